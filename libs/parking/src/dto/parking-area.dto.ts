import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsLatitude, IsLongitude, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsLanguageTexts, NoControlCharacters, Trim } from '@kouan/common';
import { LANGUAGES } from '@kouan/firms';

/** The longest display name of an area in one language. */
export const AREA_NAME_MAX = 60;

const NAMES_DOC = {
  type: 'object',
  additionalProperties: { type: 'string', minLength: 1, maxLength: AREA_NAME_MAX },
  example: { zh: '磨憨等候区', en: 'Mohan holding area' },
  description: `display names by language (zh, en, lo, vi, my, th), 1-${AREA_NAME_MAX} characters each`,
} as const;

export class CreateParkingAreaDto {
  @ApiProperty({ example: 'Mohan holding area' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @NoControlCharacters()
  name: string;

  @ApiProperty({ example: 21.183 }) @IsLatitude() lat: number;
  @ApiProperty({ example: 101.683 }) @IsLongitude() lon: number;

  @ApiProperty({ example: 500, description: 'geofence radius in metres' })
  @IsInt()
  @Min(10)
  @Max(20_000)
  radiusM: number;

  @ApiProperty({ example: 200 }) @IsInt() @Min(0) @Max(10_000) bays: number;

  @ApiProperty({ example: 40, description: 'bays 1..reeferBays have shore power' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  reeferBays: number;

  @ApiPropertyOptional({ example: { en: 'Turn right after the toll gate', zh: '过收费站后右转' } })
  @IsOptional()
  @IsLanguageTexts(LANGUAGES)
  directions?: Record<string, string>;

  @ApiPropertyOptional(NAMES_DOC)
  @IsOptional()
  @IsLanguageTexts(LANGUAGES, undefined, AREA_NAME_MAX)
  names?: Record<string, string>;
}

export class UpdateParkingAreaDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @NoControlCharacters()
  name?: string;
  @ApiPropertyOptional() @IsOptional() @IsLatitude() lat?: number;
  @ApiPropertyOptional() @IsOptional() @IsLongitude() lon?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(10) @Max(20_000) radiusM?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000) bays?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000) reeferBays?: number;
  @ApiPropertyOptional() @IsOptional() @IsLanguageTexts(LANGUAGES) directions?: Record<string, string>;

  @ApiPropertyOptional({
    ...NAMES_DOC,
    description: `the whole set of display names (a language left out has none), 1-${AREA_NAME_MAX} characters each`,
  })
  @IsOptional()
  @IsLanguageTexts(LANGUAGES, undefined, AREA_NAME_MAX)
  names?: Record<string, string>;
}

export class ParkingAreaDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiProperty() radiusM: number;
  @ApiProperty() bays: number;
  @ApiProperty() reeferBays: number;
  @ApiProperty({ description: 'bays taken by waiting trucks now' }) occupied: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'texts per driver language' })
  directions: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "the area's name by language, where it has one (else `name`)",
  })
  names: Record<string, string>;
}

/** Where a checked-in truck waits. */
export class ParkingDto {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) areaId: string | null;
  @ApiProperty({ nullable: true, type: String }) areaName: string | null;
  @ApiProperty({ nullable: true, type: Number }) bay: number | null;
  @ApiProperty({ description: 'the bay has shore power for a reefer' }) powered: boolean;
  @ApiProperty({ nullable: true, type: Number }) lat: number | null;
  @ApiProperty({ nullable: true, type: Number }) lon: number | null;
  @ApiProperty({ description: 'every holding area was full: wait outside them, the place in the queue is kept' })
  overflow: boolean;
  @ApiProperty({ description: "in the driver's language" }) instructions: string;
}
