import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecipientSchema } from '../../src/modules/serving/batch.service.ts';
import { fastRecipient, fastRenderRequest } from '../../src/modules/serving/fast-input.ts';
import { RenderRequestSchema } from '../../src/modules/serving/serving.routes.ts';

/**
 * The hand-written checks of the render path may only take a shortcut the schema would take: what
 * they accept, the schema accepts, with the same data. Everything else must fall through to the
 * schema (which then words the problem).
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

/** Good values and near misses for every field, so both sides of each check are exercised. */
const anyValue = fc.oneof(
  fc.constantFrom(
    'lesson_rescheduled',
    'Lesson',
    'TR',
    'tr',
    'tr-TR',
    'TRK',
    'pt-BR',
    'zh-Hans',
    'x',
    '905551112233',
    '+905551112233',
    '12345',
    '905551112233 ',
    '',
    'a'.repeat(2000),
    'a'.repeat(2001),
    '__proto__',
    true,
    false,
    0,
    -0,
    1.5,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    null,
    undefined,
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);

const variableName = fc.oneof(
  fc.constantFrom('student_name', 'lesson_at', '__proto__', 'constructor', 'a'.repeat(64), 'a'.repeat(65)),
  fc.string({ maxLength: 8 }),
);

/** Objects as JSON.parse makes them: `__proto__` becomes an own key, as a request body can send it. */
const asParsed = (value: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(value, (_, v) => (v === undefined ? null : v))) as unknown;

/** Mostly what a sender sends, now and then something else. */
const mostly = (good: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: anyValue });

const value = mostly(
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.double(),
    fc.constantFrom('a'.repeat(2000), 'a'.repeat(2001), Number.POSITIVE_INFINITY, Number.NaN),
  ),
);

const variables = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(variableName, value, { maxKeys: 4 }) },
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { minKeys: 49, maxKeys: 52 }),
  anyValue,
);

function body(fields: Record<string, fc.Arbitrary<unknown>>, required: string[]) {
  return fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.record(fields, { requiredKeys: required }) },
        { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      ),
      fc.dictionary(fc.string({ maxLength: 4 }), anyValue, { minKeys: 1, maxKeys: 2 }),
    )
    .chain(([known, extra]) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(known) },
        { weight: 1, arbitrary: fc.constant({ ...extra, ...known }) },
      ),
    )
    .chain((value) => fc.oneof(fc.constant<unknown>(value), fc.constant(asParsed(value))));
}

const renderBody = body(
  {
    template: mostly(fc.constant('lesson_rescheduled')),
    market: mostly(fc.constant('TR')),
    language: mostly(fc.constant('tr')),
    variables,
    to: mostly(fc.constant('905551112233')),
    allowFallback: mostly(fc.boolean()),
  },
  ['template', 'market'],
);

const recipientBody = body(
  {
    to: mostly(fc.constant('905551112233')),
    language: mostly(fc.constant('tr')),
    variables,
  },
  ['to'],
);

describe(`the render path's hand-written checks (seed ${SEED})`, () => {
  it('accept a render request only when the schema does, with the same data', () => {
    fc.assert(
      fc.property(renderBody, (input) => {
        const fast = fastRenderRequest(input);
        if (fast === undefined) return;
        const parsed = RenderRequestSchema.safeParse(input);
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('accept a recipient only when the schema does, with the same data', () => {
    fc.assert(
      fc.property(recipientBody, (input) => {
        const fast = fastRecipient(input);
        if (fast === undefined) return;
        const parsed = RecipientSchema.safeParse(input);
        expect(parsed.success, JSON.stringify(input)).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('take the shortcut for the requests senders send', () => {
    const request = {
      template: 'lesson_rescheduled',
      market: 'TR',
      language: 'tr',
      to: '+905551112233',
      allowFallback: true,
      variables: { student_name: 'Ayşe', amount: 1250.5 },
    };
    expect(fastRenderRequest(request)).toEqual(request);
    expect(fastRenderRequest({ template: 'a', market: 'PL' })).toEqual({
      template: 'a',
      market: 'PL',
      variables: {},
      allowFallback: false,
    });
    const recipient = { to: '905551112233', variables: { student_name: 'Ayşe' } };
    expect(fastRecipient(recipient)).toEqual(recipient);
    expect(fastRecipient({ to: '905551112233', language: 'pt-BR' })).toEqual({
      to: '905551112233',
      language: 'pt-BR',
      variables: {},
    });
  });
});
