import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength } from 'class-validator';
import { BOOKING_EVENT_TYPES } from '@kouan/booking';
import { PaginationQueryDto } from '@kouan/common';

/** What an endpoint may ask for: a firm, its bookings' events; a port's far side, our export departures. */
export const WEBHOOK_EVENT_TYPES = [...BOOKING_EVENT_TYPES, 'counterpart.departure'] as const;

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://dispatch.example.com/kouan',
    description: 'https: (http: only in development and test); its host must be or resolve to public addresses only',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['booking.called', 'booking.completed'],
    description: "a firm's: booking events; a counterpart's (its port's far side): counterpart.departure only",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: string[];
}

export class WebhookDto {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'every attempt has failed since then' }) failingSince:
    string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'failed for a day: nothing more is sent; register it again',
  })
  disabledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt: string | null;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'signs every delivery (Kouan-Signature); shown only in this answer' })
  secret: string;
}

export class WebhookAttemptDto {
  @ApiProperty() eventId: string;
  @ApiProperty() type: string;
  @ApiProperty({ description: '1 for the first try' }) attempt: number;
  @ApiProperty({ nullable: true, type: Number, description: "the receiver's HTTP status; null when it gave none" })
  status: number | null;
  @ApiProperty({ enum: ['delivered', 'failed'] }) outcome: 'delivered' | 'failed';
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'http_503',
    description:
      'why it failed: http_<status> (the receiver answered non-2xx), timeout or connection_failed; null when delivered',
  })
  error: string | null;
  @ApiProperty() at: string;
}

export class FailingWebhooksQueryDto extends PaginationQueryDto {
  @ApiProperty({ enum: ['failing'], description: 'endpoints failing now or disabled after failing too long' })
  @IsIn(['failing'])
  state: 'failing';
}

export class FailingWebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) firmId: string;
  @ApiProperty() firmName: string;
  @ApiProperty({ description: 'without query or fragment (receivers put tokens there)' }) url: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the last failed attempt: http_<status>, timeout or connection_failed',
  })
  lastError: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastErrorAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) failingSince: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) disabledAt: string | null;
}
