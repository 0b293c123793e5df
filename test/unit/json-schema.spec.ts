import { js } from '@kouan/common';

/**
 * The event catalogue's schema builder (libs/common/src/json-schema.ts): what JSON Schema each piece makes, and that
 * the compiler refuses a schema that does not describe its type exactly (each `@ts-expect-error` below fails `tsc`
 * the day the check stops refusing).
 */
describe('json-schema builder', () => {
  interface Truck {
    plate: string;
    lane: { id: string } | null;
    seen?: boolean;
  }

  it('builds closed objects with their required properties, nullable values and optional ones', () => {
    const truck = js.schemaOf<Truck>()(
      js.object({
        plate: js.string(),
        lane: js.nullable(js.object({ id: js.string() })),
        seen: js.optional(js.boolean()),
      }),
    );
    expect(JSON.parse(JSON.stringify(truck))).toEqual({
      type: 'object',
      properties: {
        plate: { type: 'string' },
        lane: {
          anyOf: [
            { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
            { type: 'null' },
          ],
        },
        seen: { type: 'boolean' },
      },
      required: ['plate', 'lane'],
      additionalProperties: false,
    });
    expect(js.openObject({ id: js.uuid() }).additionalProperties).toBe(true);
    expect(js.literal(['a', 'b'])).toEqual({ type: 'string', enum: ['a', 'b'], description: undefined });
  });

  it('refuses, at compile time, a schema that misses, adds, or loosens a field of its type', () => {
    const plate = js.string();
    const lane = js.nullable(js.object({ id: js.string() }));
    const seen = js.optional(js.boolean());
    // @ts-expect-error a field of the type is missing
    js.schemaOf<Truck>()(js.object({ plate, lane }));
    // @ts-expect-error a field the type does not have
    js.schemaOf<Truck>()(js.object({ plate, lane, seen, extra: js.string() }));
    // @ts-expect-error not nullable where the type is
    js.schemaOf<Truck>()(js.object({ plate, lane: js.object({ id: js.string() }), seen }));
    // @ts-expect-error required where the type has it optional
    js.schemaOf<Truck>()(js.object({ plate, lane, seen: js.boolean() }));
    // @ts-expect-error a literal narrower than the type's string
    js.schemaOf<Truck>()(js.object({ plate: js.literal(['云K1']), lane, seen }));
    expect(js.schemaOf<Truck>()(js.object({ plate, lane, seen })).required).toEqual(['plate', 'lane']);
  });
});
