import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiNullableObject, IsDay, IsLanguageTexts, NoControlCharacters } from '@kouan/common';
import { LANGUAGES } from '@kouan/firms';
import { COUNTERPART_STATUSES } from '../entities/counterpart.entity';
import { OptionalUntil } from './until';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** The longest reason, in any language. */
export const COUNTERPART_REASON_MAX = 500;

const REASONS_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', minLength: 1, maxLength: COUNTERPART_REASON_MAX },
  example: { lo: 'ລະບົບຂັດຂ້ອງ', zh: '系统故障', en: 'customs system down' },
  description: `the reason by language (zh, en, lo, vi, my, th), 1-${COUNTERPART_REASON_MAX} characters each; \`reason\` in the others`,
} as const;

export class AcceptanceWindowDto {
  @ApiProperty({ example: '08:00', description: "the port's local clock, HH:MM" })
  @Matches(CLOCK, { message: 'from must be HH:MM' })
  from: string;

  @ApiProperty({ example: '12:00', description: 'HH:MM, up to 24:00; later than from' })
  @Matches(CLOCK, { message: 'to must be HH:MM, up to 24:00' })
  to: string;

  @ApiProperty({ example: 40, minimum: 0, maximum: 10000, description: 'our export trucks the far side takes then' })
  @IsInt()
  @Min(0)
  @Max(10000)
  trucks: number;
}

export class PutAcceptanceDto {
  @ApiProperty({ example: '2026-12-06', description: "the port's local date: today up to the booking horizon" })
  @IsDay()
  date: string;

  @ApiProperty({ type: [AcceptanceWindowDto], maxItems: 48, description: 'windows that do not overlap' })
  @IsArray()
  @ArrayMaxSize(48)
  @ValidateNested({ each: true })
  @Type(() => AcceptanceWindowDto)
  windows: AcceptanceWindowDto[];

  @ApiPropertyOptional({ example: 'inspection staff short', maxLength: COUNTERPART_REASON_MAX })
  @IsOptional()
  @IsString()
  @Length(1, COUNTERPART_REASON_MAX)
  @NoControlCharacters()
  reason?: string;
}

export class CounterpartStatusDto {
  @ApiProperty({ enum: COUNTERPART_STATUSES })
  @IsIn(COUNTERPART_STATUSES)
  status: (typeof COUNTERPART_STATUSES)[number];

  @ApiProperty({ example: 'customs system down', minLength: 1, maxLength: COUNTERPART_REASON_MAX })
  @IsString()
  @Length(1, COUNTERPART_REASON_MAX)
  @NoControlCharacters()
  reason: string;

  @ApiPropertyOptional(REASONS_DOC)
  @IsOptional()
  @IsLanguageTexts(LANGUAGES, undefined, COUNTERPART_REASON_MAX)
  reasons?: Record<string, string>;

  @OptionalUntil('ISO-8601 with an offset, later than now; past it the status reads as open')
  until?: string;
}

export class AcceptanceDto {
  @ApiProperty({ example: '2026-12-06', description: "the port's local date" }) date: string;
  @ApiProperty({ type: [AcceptanceWindowDto] }) windows: AcceptanceWindowDto[];
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ example: '2026-12-05T16:00:00+08:00' }) setAt: string;
}

/** What GET /ports/:code says of the far side. */
export class CounterpartDto {
  @ApiProperty({ example: 'Boten', nullable: true, type: String, description: 'the port across the border' })
  name: string | null;

  @ApiProperty({
    enum: COUNTERPART_STATUSES,
    description: 'open until the far side says otherwise, and past its until',
  })
  status: string;

  @ApiProperty({ nullable: true, type: String }) reason: string | null;

  @ApiProperty({ ...REASONS_DOC, description: 'the reason by language where the far side gave it' })
  reasons: Record<string, string>;

  @ApiProperty({ nullable: true, type: String, example: '2026-12-06T15:00:00+08:00' }) until: string | null;

  @ApiNullableObject(AcceptanceDto, {
    description: 'what the far side accepts today, or on the next date it has stated (null: nothing stated)',
  })
  acceptance: AcceptanceDto | null;
}
