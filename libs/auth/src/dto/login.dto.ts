import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

import { USER_ROLES } from '../entities/user.entity';

const ROLES = [...USER_ROLES, 'driver'];

export class LoginDto {
  @ApiProperty({ example: 'dispatch@firm.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

/** A signed-in session: a short access token and the refresh token that renews it (spent on use). */
export class SessionResponseDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer`; lives JWT_TTL_SECONDS (15 min by default)' })
  accessToken: string;

  @ApiProperty({
    description: 'spend it at POST /auth/refresh for a new pair (once: a spent one coming back ends the session)',
  })
  refreshToken: string;

  @ApiProperty({
    description: 'when the access token expires (ISO-8601 with offset); refresh before it',
    example: '2026-12-05T16:45:00+08:00',
  })
  expiresAt: string;

  @ApiProperty({ enum: ROLES })
  role: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  newPassword: string;
}
