import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { E164, IsPlate, NoControlCharacters, NormalisePhone, Trim } from '@kouan/common';
import { LANGUAGES, Language } from '../entities/driver.entity';

const upper = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value));
const COUNTRY = /^[A-Z]{2}$/;

export class CreateFirmDto {
  @ApiProperty({ example: 'Xishuangbanna Cold Chain Logistics' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @NoControlCharacters()
  name: string;

  @ApiProperty({ example: 'CN', description: 'ISO 3166 alpha-2' })
  @upper()
  @IsString()
  @Matches(COUNTRY, { message: 'country must be an ISO 3166 alpha-2 code' })
  country: string;

  @ApiProperty({ example: 'ops@coldchain.example' })
  @IsEmail()
  @MaxLength(254)
  contactEmail: string;
}

export class FirmDto extends CreateFirmDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class FirmStandingDto {
  @ApiProperty({
    type: 'integer',
    description: 'no-shows of the last 30 days, at any port, not waived (GET /firms/:id/standing has the whole rule)',
  })
  strikes30d: number;
  @ApiProperty({ type: 'integer', description: 'every no-show of the last 30 days, waived or not' })
  noShows30d: number;
}

export class FirmListItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() country: string;
  @ApiProperty() contactEmail: string;
  @ApiProperty({ description: 'while true its users cannot sign in or book; its bookings stay' }) disabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: 'integer' }) users: number;
  @ApiProperty({ type: 'integer' }) vehicles: number;
  @ApiProperty({ type: FirmStandingDto }) standing: FirmStandingDto;
}

export class CreateVehicleDto {
  @ApiProperty({ example: '云A·12345' })
  @IsPlate()
  plate: string;

  @ApiProperty({ example: 'CN' })
  @upper()
  @IsString()
  @Matches(COUNTRY, { message: 'country must be an ISO 3166 alpha-2 code' })
  country: string;

  @ApiPropertyOptional({ example: '云A·6789挂' })
  @IsOptional()
  @IsPlate()
  trailerPlate?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  reefer?: boolean;
}

export class VehicleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '云A12345' }) plate: string;
  @ApiProperty() country: string;
  @ApiProperty({ nullable: true, type: String }) trailerPlate: string | null;
  @ApiProperty() reefer: boolean;
  @ApiProperty({ format: 'uuid' }) firmId: string;
}

export class CreateDriverDto {
  @ApiProperty({ example: 'Somchai Phommavong' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @NoControlCharacters()
  name: string;

  @ApiProperty({ example: '+8562055512345', description: 'E.164; spaces and dashes are dropped' })
  @NormalisePhone()
  @IsString()
  @Matches(E164, { message: 'phone must be in E.164 form, e.g. +8562055512345' })
  phone: string;

  @ApiProperty({ example: 'LA-0123456' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @NoControlCharacters()
  licenceNo: string;

  @ApiProperty({ enum: LANGUAGES })
  @IsIn(LANGUAGES)
  language: Language;
}

export class DriverDto extends CreateDriverDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) firmId: string;
}

/** Only the fields sent change. */
export class UpdateVehicleDto extends PartialType(CreateVehicleDto) {}

/** Only the fields sent change. */
export class UpdateDriverDto extends PartialType(CreateDriverDto) {}
