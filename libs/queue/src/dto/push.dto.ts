import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

/** The server's VAPID public key, which the page hands to `pushManager.subscribe` as `applicationServerKey`. */
export class PushKeyDto {
  @ApiProperty({
    example: 'BNc…',
    nullable: true,
    type: String,
    description:
      'uncompressed P-256 point, base64url (87 characters); null: Web Push is off on this server (no VAPID keys)',
  })
  publicKey: string | null;
}

export class PushKeysDto {
  @ApiProperty({ description: "the browser's P-256 public key, uncompressed, base64url (65 bytes)" })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{87}=?$/, { message: 'keys.p256dh must be 65 bytes in base64url' })
  p256dh: string;

  @ApiProperty({ description: 'the authentication secret, base64url (16 bytes)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}(==)?$/, { message: 'keys.auth must be 16 bytes in base64url' })
  auth: string;
}

/** What `PushSubscription.toJSON()` gives in the browser. */
export class PushSubscriptionDto {
  @ApiProperty({
    example: 'https://fcm.googleapis.com/fcm/send/dXk…',
    description: "the push service's URL the browser chose: https, on a public address",
  })
  @IsString()
  @MaxLength(1024)
  endpoint: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'sent by browsers; not used' })
  @IsOptional()
  @IsNumber()
  expirationTime?: number | null;

  @ApiProperty({ type: PushKeysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys: PushKeysDto;
}
