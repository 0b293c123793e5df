import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

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
