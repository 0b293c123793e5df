import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { NoControlCharacters, Trim } from '@kouan/common';

export class DeclarationDocumentDto {
  @ApiProperty({ example: 'invoice' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(40) @NoControlCharacters()
  kind: string;

  @ApiProperty({ example: 'INV-2026-1130-07' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(80) @NoControlCharacters()
  ref: string;
}

export class PutDeclarationDto {
  @ApiProperty({ example: '530120261130000123' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(40) @NoControlCharacters()
  declarationNo: string;

  @ApiPropertyOptional({ example: 'Mohan Customs' }) @IsOptional() @Trim() @IsString() @MaxLength(80) @NoControlCharacters()
  customsOffice?: string;

  @ApiPropertyOptional({ type: [DeclarationDocumentDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => DeclarationDocumentDto)
  documents?: DeclarationDocumentDto[];
}

export const DECLARATION_ANSWERS = ['accepted', 'rejected', 'inspection'] as const;

export class DeclarationStatusDto {
  @ApiProperty({ enum: DECLARATION_ANSWERS }) @IsIn(DECLARATION_ANSWERS)
  status: (typeof DECLARATION_ANSWERS)[number];

  @ApiPropertyOptional({ example: 'inspection lane 2' }) @IsOptional() @Trim() @IsString() @MaxLength(200) @NoControlCharacters()
  note?: string;
}

export class DeclarationDto {
  @ApiProperty() declarationNo: string;
  @ApiProperty({ type: String, nullable: true }) customsOffice: string | null;
  @ApiProperty({ type: [DeclarationDocumentDto] }) documents: DeclarationDocumentDto[];
  @ApiProperty({ enum: ['submitted', ...DECLARATION_ANSWERS] }) status: 'submitted' | (typeof DECLARATION_ANSWERS)[number];
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}
