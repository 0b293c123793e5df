import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { NoControlCharacters, Trim } from '@kouan/common';
import { DECLARATION_ANSWERS, DECLARATION_STATUSES, DeclarationStatus } from '../declaration-status';

export class DeclarationDocumentDto {
  @ApiProperty({ example: 'invoice' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @NoControlCharacters()
  kind: string;

  @ApiProperty({ example: 'INV-2026-1130-07' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  @NoControlCharacters()
  ref: string;
}

export class PutDeclarationDto {
  @ApiProperty({ example: '530120261130000123' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @NoControlCharacters()
  declarationNo: string;

  @ApiPropertyOptional({ example: 'Mohan Customs' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(80)
  @NoControlCharacters()
  customsOffice?: string;

  @ApiPropertyOptional({ type: [DeclarationDocumentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DeclarationDocumentDto)
  documents?: DeclarationDocumentDto[];
}

export class DeclarationStatusDto {
  @ApiProperty({ enum: DECLARATION_ANSWERS })
  @IsIn(DECLARATION_ANSWERS)
  status: (typeof DECLARATION_ANSWERS)[number];

  @ApiPropertyOptional({ example: 'inspection lane 2' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  @NoControlCharacters()
  note?: string;
}

export class ReopenDeclarationDto {
  @ApiProperty({
    example: 'invoice total does not match the manifest',
    description: 'why customs reopens it; the firm sees it as the note',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @NoControlCharacters()
  reason: string;
}

export class DeclarationDto {
  @ApiProperty() declarationNo: string;
  @ApiProperty({ type: String, nullable: true }) customsOffice: string | null;
  @ApiProperty({ type: [DeclarationDocumentDto] }) documents: DeclarationDocumentDto[];
  @ApiProperty({
    enum: DECLARATION_STATUSES,
    description: 'reopened: customs took back its acceptance (the reason is the note); the firm may file again',
  })
  status: DeclarationStatus;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}
