import { Transform } from 'class-transformer';
import { Matches, registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { DomainError } from './domain-error';
import { normalisePlate } from './plate';

/** A string that normalises to a plate: 2–15 letters, marks or digits of any script. */
export function IsPlate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPlate',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be 2-15 letters or digits (spaces, dashes and · are ignored)`,
        ...options,
      },
      validator: { validate: (v: unknown) => typeof v === 'string' && v.length <= 40 && normalisePlate(v) !== null },
    });
}

/** Trims strings; leaves anything else for the validators to reject. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Phone numbers are stored in E.164; people type spaces, dashes and brackets. */
export const NormalisePhone = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\s\-()]/g, '') : value));

export const E164 = /^\+[1-9]\d{6,14}$/;

/** YYYY-MM-DD naming a day the calendar (and Postgres) has: not 2026-02-30, not year 0. */
export const isDay = (v: unknown): v is string => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || v.startsWith('0000')) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** The longest span a report (KPIs, port performance) covers, in days. */
export const MAX_REPORT_DAYS = 92;

/**
 * A report's days [from, to], both real (IsDay) and both counted: 400 unless `to` is on or after `from` and the span
 * is at most MAX_REPORT_DAYS.
 */
export function assertReportDays(from: string, to: string): void {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (!(days >= 1 && days <= MAX_REPORT_DAYS)) {
    throw new DomainError('bad_request', `to must be on or after from, at most ${MAX_REPORT_DAYS} days apart`);
  }
}

/**
 * A local day, YYYY-MM-DD, that exists: checked here, once, so no service meets an impossible date in Postgres
 * (which answers it with an error that would otherwise surface as a 500).
 */
export function IsDay(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDay',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date, YYYY-MM-DD`, ...options },
      validator: { validate: isDay },
    });
}

/**
 * Free text without control characters (tab and line breaks aside). Postgres cannot store NUL in text, so
 * without this a stray \u0000 in a name would surface as a 500 instead of a 400.
 */
export const NoControlCharacters = () =>
  Matches(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, {
    message: ({ property }) => `${property} must not contain control characters`,
  });

/**
 * Texts per driver language, e.g. {"en": "...", "zh": "..."}: known language keys, non-empty plain strings of at
 * most `maxLength` characters.
 */
export function IsLanguageTexts(languages: readonly string[], options?: ValidationOptions, maxLength = 1000) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isLanguageTexts',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must map ${languages.join(', ')} to texts of 1-${maxLength} characters`,
        ...options,
      },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          Object.entries(v).every(
            ([k, t]) =>
              languages.includes(k) &&
              typeof t === 'string' &&
              t.length >= 1 &&
              t.length <= maxLength &&
              !/\p{Cc}/u.test(t.replace(/[\t\n\r]/g, '')),
          ),
      },
    });
}

/**
 * Which fields may come together, checked whatever this field holds (put it on a field without @IsOptional):
 * `given` says whether the body's combination of fields is allowed, `message` says what is expected.
 */
export function FieldsTogether(given: (body: Record<string, unknown>) => boolean, message: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'fieldsTogether',
      target: target.constructor,
      propertyName,
      options: { message },
      validator: { validate: (_: unknown, args: ValidationArguments) => given(args.object as Record<string, unknown>) },
    });
}

/** An ISO-8601 instant ends with its offset (or Z): a bare local time would be read in the server's zone. */
export const INSTANT_WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
