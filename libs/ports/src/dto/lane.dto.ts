import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLanguageTexts, NoControlCharacters, Trim } from '@kouan/common';
import { LANGUAGES } from '@kouan/firms';
import { DIRECTIONS } from '../entities/lane.entity';
import type { Direction } from '../entities/lane.entity';
import { LANE_NAME_MAX, LANE_NAMES_DOC as NAMES_DOC } from './port.dto';

export class AddLaneDto {
  @ApiProperty({ enum: DIRECTIONS })
  @IsIn(DIRECTIONS)
  direction: Direction;

  @ApiProperty({ example: 'export-2', minLength: 1, maxLength: LANE_NAME_MAX, description: 'unique at the port' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LANE_NAME_MAX)
  @NoControlCharacters()
  name: string;

  @ApiPropertyOptional(NAMES_DOC)
  @IsOptional()
  @IsLanguageTexts(LANGUAGES, undefined, LANE_NAME_MAX)
  names?: Record<string, string>;
}

export class RenameLaneDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: LANE_NAME_MAX, description: 'unique at the port' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LANE_NAME_MAX)
  @NoControlCharacters()
  name?: string;

  @ApiPropertyOptional({
    ...NAMES_DOC,
    description: `the whole set of display names (a language left out has none), 1-${LANE_NAME_MAX} characters each`,
  })
  @IsOptional()
  @IsLanguageTexts(LANGUAGES, undefined, LANE_NAME_MAX)
  names?: Record<string, string>;
}
