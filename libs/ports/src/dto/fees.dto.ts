import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiNullableObject, IsDay } from '@kouan/common';
import { FEE_UNITS } from '../entities/fee-schedule.entity';

export class FeeItemDto {
  @ApiProperty({ example: 'inspection' })
  @IsString()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'code must be 1-32 of a-z, 0-9, _ or -' })
  code: string;

  @ApiProperty({
    example: { zh: '查验费', en: 'Inspection', lo: 'ຄ່າກວດກາ' },
    description: 'by language; zh and en are required',
  })
  @IsObject()
  name: Record<string, string>;

  @ApiProperty({ example: 120, description: 'in the schedule currency, at most 2 decimals' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10_000_000)
  amount: number;

  @ApiProperty({ enum: FEE_UNITS })
  @IsIn(FEE_UNITS)
  unit: (typeof FEE_UNITS)[number];
}

export class PutFeesDto {
  @ApiProperty({ example: '2026-12-01', description: "the port's local day it takes effect: today or later" })
  @IsDay()
  effectiveFrom: string;

  @ApiProperty({ example: 'CNY' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency: string;

  @ApiProperty({ type: [FeeItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FeeItemDto)
  items: FeeItemDto[];
}

export class FeesDto {
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty() currency: string;
  @ApiProperty({ type: [FeeItemDto] }) items: FeeItemDto[];
}

export class FeeAmountDto {
  @ApiProperty({ example: 'handling' }) code: string;
  @ApiProperty({ example: 312.5, description: 'what this item charges the example truck, rounded to cents' })
  amount: number;
}

export class FeeExampleDto {
  @ApiProperty({ example: 25000 }) weightKg: number;
  @ApiProperty() reefer: boolean;
  @ApiProperty({ description: 'as a booking of this truck would be charged (feeTotal)' }) total: number;
  @ApiProperty({ type: [FeeAmountDto] }) items: FeeAmountDto[];
}

export class FeesPreviewDto {
  @ApiProperty({ format: 'date' }) effectiveFrom: string;
  @ApiProperty() currency: string;
  @ApiProperty({ type: [FeeExampleDto], description: 'trucks of 10 t, 25 t and 40 t, and a 25 t reefer' })
  examples: FeeExampleDto[];
  @ApiNullableObject(FeesDto, { description: 'the version in force at the port on effectiveFrom, null if none' })
  replaces: FeesDto | null;
}

/** What a booking is charged: the version in force on its slot's day, and the total for its cargo. */
export class BookingFeesDto {
  @ApiProperty() version: number;
  @ApiProperty() currency: string;
  @ApiProperty({ description: 'per_truck items, and per_tonne items times the cargo weight, rounded to cents' })
  total: number;
  @ApiProperty({ type: [FeeItemDto] }) items: FeeItemDto[];
}

/** Names are free text per language, but each must be a short string and zh and en must be there. */
export function feeNamesProblem(items: FeeItemDto[]): string | null {
  for (const item of items) {
    const entries = Object.entries(item.name ?? {});
    if (!item.name?.zh || !item.name?.en) return `item ${item.code}: name needs zh and en`;
    if (entries.some(([k, v]) => !/^[a-z]{2}$/.test(k) || typeof v !== 'string' || !v.trim() || v.length > 80)) {
      return `item ${item.code}: name must map 2-letter languages to texts of 1-80 characters`;
    }
  }
  return new Set(items.map((i) => i.code)).size === items.length ? null : 'item codes must be unique';
}
