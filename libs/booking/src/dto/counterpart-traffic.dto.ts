import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { INSTANT_WITH_OFFSET, IsPlate, NoControlCharacters, Trim } from '@kouan/common';

/** A truck that completed our export lane: the far side's pre-arrival notice (plates whole: its customs needs them). */
export class DepartureDto {
  @ApiProperty({ example: '云K12345' }) plate: string;
  @ApiProperty({ nullable: true, type: String, example: '云K6789挂' }) trailerPlate: string | null;
  @ApiProperty({ example: 'Mengla Haulage' }) firmName: string;
  @ApiProperty({ example: 'Fresh bananas, 1,200 cartons', description: "the booking's cargo description" })
  cargo: string;
  @ApiProperty({ example: '080390', description: 'HS code, 6-10 digits (an extension of the contract)' })
  hsCode: string;
  @ApiProperty({ example: 18000, description: 'declared gross weight (an extension of the contract)' })
  weightKg: number;
  @ApiProperty({ nullable: true, type: String, example: '530120261129000123' }) declarationNo: string | null;
  @ApiProperty({ format: 'date-time', description: 'when our export lane completed it' }) completedAt: string;
}

export class DeparturesPageDto {
  @ApiProperty({ type: [DepartureDto], description: 'oldest first' }) items: DepartureDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'send as `after` for what follows; null when this page reached the end (ask again later with the last one)',
  })
  next: string | null;
}

/** A truck that left the far side towards our port. */
export class ArrivalDto {
  @ApiProperty({ example: 'ກຂ 1234', description: 'normalised as our plates are (spaces, dashes and · ignored)' })
  @IsPlate()
  plate: string;

  @ApiPropertyOptional({ example: 'ກຂ 5678' })
  @IsOptional()
  @IsPlate()
  trailerPlate?: string;

  @ApiPropertyOptional({ example: 'Vientiane Logistics' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @NoControlCharacters()
  firmName?: string;

  @ApiPropertyOptional({ example: 'Rubber sheets' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @NoControlCharacters()
  cargo?: string;

  @ApiProperty({
    example: '2026-11-30T09:40:00+07:00',
    description: 'ISO-8601 with an offset (or Z), not in the future',
  })
  @IsString()
  @Length(16, 40)
  @IsISO8601({ strict: true })
  @Matches(INSTANT_WITH_OFFSET, { message: 'departedAt must be an ISO-8601 instant with an offset (or Z)' })
  departedAt: string;

  @ApiPropertyOptional({ example: 'LA-2026-000871' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @NoControlCharacters()
  declarationNo?: string;
}

export class ArrivalsAcceptedDto {
  @ApiProperty({ description: 'trucks taken (one announced before with the same plate and departure counts again)' })
  accepted: number;
}

/** A truck announced by the far side that has not checked in here yet. */
export class OnTheWayTruckDto {
  @ApiProperty() plate: string;
  @ApiProperty({ nullable: true, type: String }) trailerPlate: string | null;
  @ApiProperty({ nullable: true, type: String }) firmName: string | null;
  @ApiProperty({ nullable: true, type: String }) cargo: string | null;
  @ApiProperty({ nullable: true, type: String }) declarationNo: string | null;
  @ApiProperty({ format: 'date-time' }) departedAt: string;
}
