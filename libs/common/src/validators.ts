import { Transform } from 'class-transformer';
import { Matches, registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { normalisePlate } from './plate';

/** A string that normalises to a plate: 2–15 letters, marks or digits of any script. */
export function IsPlate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPlate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be 2-15 letters or digits (spaces, dashes and · are ignored)`, ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && v.length <= 40 && normalisePlate(v) !== null },
    });
}

/** Trims strings; leaves anything else for the validators to reject. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Phone numbers are stored in E.164; people type spaces, dashes and brackets. */
export const NormalisePhone = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\s\-()]/g, '') : value));

export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Free text without control characters (tab and line breaks aside). Postgres cannot store NUL in text, so
 * without this a stray \u0000 in a name would surface as a 500 instead of a 400.
 */
export const NoControlCharacters = () =>
  Matches(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, { message: ({ property }) => `${property} must not contain control characters` });

/** Texts per driver language, e.g. {"en": "...", "zh": "..."}: known language keys, non-empty plain strings. */
export function IsLanguageTexts(languages: readonly string[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isLanguageTexts',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must map ${languages.join(', ')} to texts of 1-1000 characters`, ...options },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'object' && v !== null && !Array.isArray(v) &&
          Object.entries(v).every(([k, t]) => languages.includes(k) && typeof t === 'string' && t.length >= 1 && t.length <= 1000 && !/\p{Cc}/u.test(t.replace(/[\t\n\r]/g, ''))),
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
