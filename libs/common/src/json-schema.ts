// No imports: the event catalogue's schemas are data, built with these few functions.

declare const VALUE: unique symbol;

/**
 * A JSON Schema (draft 7, which AsyncAPI's schema format extends) that carries, for the compiler only, the type of the
 * values it describes: `Static<typeof s>`. Nothing of that type exists at run time; the object is the schema.
 */
export type Schema<T> = { readonly [key: string]: unknown } & { readonly [VALUE]?: () => T };

/** The type of the values a schema describes. */
export type Static<S> = S extends { readonly [VALUE]?: () => infer T } ? T : never;

/** A property that may be absent (`key?: T`), as opposed to one that may be null. */
class Optional<T> {
  constructor(readonly schema: Schema<T>) {}
}

type Property = Schema<unknown> | Optional<unknown>;
type OptionalKeys<P> = { [K in keyof P]: P[K] extends Optional<unknown> ? K : never }[keyof P];
type ObjectOf<P extends Record<string, Property>> = {
  [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]>;
} & { [K in OptionalKeys<P>]?: P[K] extends Optional<infer T> ? T : never };

const schema = <T>(json: Record<string, unknown>): Schema<T> => json as Schema<T>;

export const string = (description?: string): Schema<string> => schema({ type: 'string', description });
export const instant = (description?: string): Schema<string> =>
  schema({ type: 'string', format: 'date-time', description });
export const uuid = (description?: string): Schema<string> => schema({ type: 'string', format: 'uuid', description });
export const integer = (description?: string): Schema<number> => schema({ type: 'integer', description });
export const number = (description?: string): Schema<number> => schema({ type: 'number', description });
export const boolean = (description?: string): Schema<boolean> => schema({ type: 'boolean', description });
export const literal = <const V extends readonly string[]>(values: V, description?: string): Schema<V[number]> =>
  schema({ type: 'string', enum: values, description });
export const nullable = <T>(of: Schema<T>, description?: string): Schema<T | null> =>
  schema({ anyOf: [of, { type: 'null' }], description });
export const array = <T>(of: Schema<T>, description?: string): Schema<T[]> =>
  schema({ type: 'array', items: of, description });
/** An object of any keys, each value `of` (`Record<string, T>`). */
export const record = <T>(of: Schema<T>, description?: string): Schema<Record<string, T>> =>
  schema({ type: 'object', additionalProperties: of, description });
/** Exactly one of the schemas (their objects are closed, so a value fits only one). */
export const oneOf = <S extends Schema<unknown>[]>(schemas: S, description?: string): Schema<Static<S[number]>> =>
  schema({ oneOf: schemas, description });
export const optional = <T>(of: Schema<T>): Optional<T> => new Optional(of);

/** An object with exactly these properties (closed: a value with another one does not fit). */
export function object<P extends Record<string, Property>>(properties: P, description?: string): Schema<ObjectOf<P>> {
  const entries = Object.entries(properties);
  return schema({
    type: 'object',
    description,
    properties: Object.fromEntries(entries.map(([k, p]) => [k, p instanceof Optional ? p.schema : p])),
    required: entries.filter(([, p]) => !(p instanceof Optional)).map(([k]) => k),
    additionalProperties: false,
  });
}

/** An object with these properties that may carry more (`[more: string]: unknown`): a base that others extend. */
export function openObject<P extends Record<string, Property>>(
  properties: P,
  description?: string,
): Schema<ObjectOf<P> & { [more: string]: unknown }> {
  return schema({ ...object(properties, description), additionalProperties: true });
}

/** A type with its intersections merged and its arrays made plain, all the way down, so two spellings compare. */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;

/** True when A and B are the same type (the same properties, each as optional and of the same type), else false. */
export type Exact<A, B> =
  (<X>() => X extends Plain<A> ? 1 : 2) extends <X>() => X extends Plain<B> ? 1 : 2 ? true : false;

/**
 * `schemaOf<T>()(schema)`: the schema, accepted by the compiler only when it describes exactly the type T (a field
 * added, removed, renamed, made optional or nullable on either side breaks `tsc`). So a catalogue built from such
 * schemas cannot drift from the types the server emits.
 */
export const schemaOf =
  <T>() =>
  <S extends Schema<unknown>>(
    s: S & (Exact<Static<S>, T> extends true ? unknown : { schemaDoesNotMatchType: [Static<S>, T] }),
  ): Schema<T> =>
    s as unknown as Schema<T>;
