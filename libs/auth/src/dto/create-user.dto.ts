import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from '@kouan/common';

export class CreateStaffDto {
  @ApiProperty({ example: 'officer@mohan.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password: string;
}

export class CreatePortStaffDto extends CreateStaffDto {
  @ApiPropertyOptional({
    enum: ['port_staff', 'yard_staff'],
    default: 'port_staff',
    description: 'lanes and gate, or the cargo yard',
  })
  @IsOptional()
  @IsIn(['port_staff', 'yard_staff'])
  role?: 'port_staff' | 'yard_staff';
}

export class CreateFirmUserDto extends CreateStaffDto {
  @ApiProperty({ enum: ['firm_admin', 'dispatcher'] })
  @IsIn(['firm_admin', 'dispatcher'])
  role: 'firm_admin' | 'dispatcher';
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) firmId: string | null;
  @ApiProperty({ nullable: true, type: String }) portCode: string | null;
}

export class AccountResponseDto extends UserResponseDto {
  @ApiProperty({ nullable: true, type: String, description: 'when it was disabled; null while it may sign in' })
  disabledAt: string | null;
}

/** The roles `GET /users` lists: the port's side (firm users are listed under their firm). */
export const PORT_SIDE_ROLES = ['port_staff', 'yard_staff', 'regulator', 'counterpart'] as const;

export class UsersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: PORT_SIDE_ROLES, description: 'only this role; without it all four' })
  @IsOptional()
  @IsIn(PORT_SIDE_ROLES)
  role?: (typeof PORT_SIDE_ROLES)[number];

  @ApiPropertyOptional({ example: 'MOHAN', description: "only this port's staff (regulators have no port)" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'port must be 2-32 letters, digits or dashes' })
  port?: string;
}

export class AccountListItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: PORT_SIDE_ROLES }) role: string;
  @ApiProperty({ nullable: true, type: String, description: "the staff's port; null for a regulator" })
  port: string | null;
  @ApiProperty() disabled: boolean;
}

export class FirmUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['firm_admin', 'dispatcher'] }) role: string;
  @ApiProperty() disabled: boolean;
}

export class TemporaryPasswordDto {
  @ApiProperty({
    example: 'q8Xr-2mVd-Kp4t-Zs7n',
    description: 'shown only in this answer; the account keeps it until its holder changes it (POST /auth/password)',
  })
  temporaryPassword: string;
}
