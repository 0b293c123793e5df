import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { NoControlCharacters } from '@kouan/common';
import { OptionalUntil } from './until';
import { INCIDENT_KINDS } from '../entities/incident.entity';

export const INCIDENT_MESSAGE_MAX = 500;

export class OpenIncidentDto {
  @ApiProperty({
    enum: INCIDENT_KINDS,
    description: 'closure stops the calls of both directions while open; the others are shown only',
  })
  @IsIn(INCIDENT_KINDS)
  kind: (typeof INCIDENT_KINDS)[number];

  @ApiProperty({ example: 'landslide on the access road', minLength: 1, maxLength: INCIDENT_MESSAGE_MAX })
  @IsString()
  @Length(1, INCIDENT_MESSAGE_MAX)
  @NoControlCharacters()
  message: string;

  @OptionalUntil('ISO-8601 with an offset, later than now: past it the incident reads as closed')
  until?: string;
}

/** An incident at a port, as its routes, GET /ports/:code and incident:update show it. */
export class IncidentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: INCIDENT_KINDS }) kind: string;
  @ApiProperty({ example: 'landslide on the access road' }) message: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-06T14:00:00+08:00' }) until: string | null;
  @ApiProperty({ example: '2026-12-06T09:12:00+08:00' }) openedAt: string;
}
