import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createDraft, createTemplate } from '../support/fixtures.ts';
import { ADMIN_KEY, startTestVetted } from '../support/harness.ts';

/*
 * Property: whatever a client sends to any route of the served OpenAPI spec (hostile strings,
 * huge or non-finite numbers, wrong types, deep nesting, broken percent-encoding, odd headers),
 * with an admin key or without one, the answer is never a 5xx, and every error is problem+json
 * whose `status` matches the response. The routes come from GET /openapi.json, so a new route is
 * fuzzed without touching this file. FUZZ_SEED replays a failure; FUZZ_RUNS scales the runs.
 */

const vt = await startTestVetted();
afterAll(() => vt.stop());

const spec = (await vt.request('GET', '/openapi.json', { key: null })).body as OpenApiSpec;
const templateKey = await createTemplate(vt);
await createDraft(vt, templateKey);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Requests per route; 30-odd routes × 300 take about ten seconds. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  example?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: JsonSchema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApiSpec {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

function resolve(schema: JsonSchema | undefined): JsonSchema {
  if (!schema) return {};
  if (schema.$ref) return resolve(spec.components?.schemas?.[schema.$ref.split('/').at(-1) ?? '']);
  return schema;
}

// JSON cannot spell these; markers are swapped for raw text after JSON.stringify.
const INFINITY = '\u0001inf\u0001';
const DEEP = '\u0001deep\u0001';
const RAW_MARKERS: Record<string, string> = {
  [JSON.stringify(INFINITY)]: '1e999',
  [JSON.stringify(DEEP)]: `${'['.repeat(5000)}${']'.repeat(5000)}`,
};
const toJson = (value: unknown) =>
  Object.entries(RAW_MARKERS).reduce(
    (text, [marker, raw]) => text.replaceAll(marker, raw),
    JSON.stringify(value),
  );

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\u202eexe.txt',
    'zero\u200bwidth',
    '\ufeff',
    '\u0085',
    '\u2028',
    '\u00a0\u00a0\u00a0\u00a0\u00a0',
    '\u001b[2J',
    '%00',
    '%',
    '%ZZ',
    '%E0%A4%A',
    '../../etc/passwd',
    '%2e%2e%2f',
    '..\\..',
    '{{',
    '}}',
    '{{#each x}}{{/each}}',
    '{{> partial}}',
    '{{constructor.constructor}}',
    '__proto__',
    'constructor',
    "'; drop table templates; --",
    '1e999',
    'NaN',
    '-0',
    '99999999999',
    '2147483648',
    'null',
    'TR',
    'tr',
    '𝕏🚀',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 8 }).map((s) => s.repeat(2000)),
);

// Characters that must never reach the database or a recipient unnoticed.
const HOSTILE_CHARACTERS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u0085',
  '\u001b',
  '\u2028',
  '\u00a0'.repeat(5),
];

const hostileNumber = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  0.5,
  2147483647,
  2147483648,
  2 ** 53 + 2,
  -(2 ** 63),
  1e308,
  INFINITY,
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant(DEEP),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** A value the schema accepts, as far as a JSON schema can say (the server may still refuse it). */
function validFor(raw: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const choices = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (choices.length) return fc.oneof(...choices.map((choice) => validFor(choice, depth + 1)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const examples = [schema.example, schema.default].filter((v) => v !== undefined);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'object': {
        const properties = Object.entries(schema.properties ?? {});
        if (properties.length === 0 || depth > 6) return fc.constant({});
        const shape = Object.fromEntries(properties.map(([name, p]) => [name, validFor(p, depth + 1)]));
        return fc.record(shape, { requiredKeys: schema.required ?? [] });
      }
      case 'array':
        return depth > 6 ? fc.constant([]) : fc.array(validFor(schema.items, depth + 1), { maxLength: 3 });
      case 'string': {
        if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
        if (schema.format === 'uuid') return fc.uuid();
        if (schema.format === 'date-time')
          return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        const minLength = Math.min(schema.minLength ?? 1, 40);
        return fc.string({ minLength, maxLength: Math.max(Math.min(schema.maxLength ?? 40, 40), minLength) });
      }
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 1000) });
      case 'number':
        return fc.double({
          min: schema.minimum ?? -1000,
          max: Math.min(schema.maximum ?? 1000, 1000),
          noNaN: true,
        });
      case 'boolean':
        return fc.boolean();
      default:
        return fc.oneof(fc.string({ maxLength: 10 }), fc.integer());
    }
  })();
  return examples.length ? fc.oneof(fc.constantFrom(...examples), typed) : typed;
}

type Path = Array<string | number>;
interface Mutation {
  kind: 'spike' | 'replace' | 'extra';
  at: number;
  hostile: unknown;
  character: string;
}

/** Every place in a JSON value, as paths, the value itself first. */
function placesIn(value: unknown, path: Path = []): Path[] {
  const places = [path];
  if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value))
      places.push(...placesIn(item, [...path, Array.isArray(value) ? Number(key) : key]));
  return places;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
}

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...value];
    copy[Number(head)] = setAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}

/** One change at one place: a hostile character slipped into a string, a hostile value, or an unknown field. */
function mutate(value: unknown, { kind, at, hostile, character }: Mutation): unknown {
  const places = placesIn(value);
  const strings = places.filter((path) => typeof getAt(value, path) === 'string');
  if (kind === 'spike' && strings.length) {
    const path = strings[at % strings.length] ?? [];
    const text = String(getAt(value, path));
    const index = at % (text.length + 1);
    return setAt(value, path, text.slice(0, index) + character + text.slice(index));
  }
  const path = places[at % places.length] ?? [];
  const target = getAt(value, path);
  if (kind === 'extra' && target !== null && typeof target === 'object' && !Array.isArray(target))
    return setAt(value, path, { ...target, [`x${character}`]: hostile });
  return setAt(value, path, hostile);
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('spike', 'spike', 'replace', 'extra'),
  at: fc.nat(),
  hostile: hostileValue,
  character: fc.constantFrom(...HOSTILE_CHARACTERS),
});

/** Mostly a valid value with one hostile change, so the change gets past every other check. */
function valueFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      arbitrary: fc.tuple(validFor(schema), mutation).map(([value, change]) => mutate(value, change)),
      weight: 8,
    },
    { arbitrary: validFor(schema), weight: 1 },
    { arbitrary: hostileValue, weight: 1 },
  );
}

/** encodeURIComponent, which throws on a lone surrogate: that one is sent as UTF-8 would carry it. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

/** What a path or query parameter could hold: fixture values that reach deep, and anything else. */
const FIXTURE_VALUES: Record<string, string[]> = {
  key: [templateKey],
  market: ['TR', 'RU', 'PL'],
  language: ['tr', 'ru', 'en'],
  n: ['1', '2'],
  id: ['00000000-0000-0000-0000-000000000000'],
};
// Left unencoded on purpose: broken escapes and encoded separators must not break routing.
const rawUrlPieces = fc.constantFrom('%', '%ZZ', '%00', '%2F', '%2e%2e', '%E0%A4%A', '..', '%C0%AE');

function parameterValue(parameter: Parameter): fc.Arbitrary<string> {
  const schema = resolve(parameter.schema);
  const known = [...(FIXTURE_VALUES[parameter.name] ?? []), schema.example, ...(schema.enum ?? [])]
    .filter((v) => v !== undefined)
    .map(String);
  const hostile = fc.oneof(
    fc.oneof(hostileString, hostileNumber.map(String)).map(percentEncode),
    rawUrlPieces,
  );
  return known.length ? fc.oneof(fc.constantFrom(...known), hostile) : hostile;
}

/** Header values are bytes (0x20–0xFF and tab): that is all HTTP can carry. */
const headerValue = fc.oneof(
  fc.constantFrom('*', 'W/"x"', '"abc"', '', 'tr', 'ru-RU,ru;q=0.9', 'xx;q=abc', '*;q=0', 'a'.repeat(8000)),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
);
const hostileHeaders = fc.dictionary(
  fc.constantFrom('if-match', 'if-none-match', 'idempotency-key', 'accept-language', 'x-request-id'),
  headerValue,
  { maxKeys: 3 },
);
// Mostly JSON, so most bodies reach validation and beyond.
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 8 },
  {
    arbitrary: fc.oneof(
      fc.constantFrom('application/merge-patch+json', 'text/plain', 'multipart/form-data; boundary=x'),
      headerValue,
    ),
    weight: 2,
  },
);
const rawBody = fc.constantFrom(
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '{"a":1e999}',
  '\u0000',
  '{"__proto__":{"x":1}}',
);

interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  key: string | null;
}

function requestFor(path: string, method: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((p) => p.in === 'path');
  const queryParameters = parameters.filter((p) => p.in === 'query');
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const filledPath = fc
    .tuple(...pathParameters.map(parameterValue))
    .map((values) =>
      pathParameters.reduce(
        (result, parameter, i) => result.replace(`{${parameter.name}}`, values[i] ?? ''),
        path,
      ),
    );
  const query = fc
    .tuple(
      ...queryParameters.map((parameter) => fc.option(parameterValue(parameter), { freq: 2 })),
      fc.option(fc.tuple(hostileString, hostileString), { freq: 4 }),
    )
    .map((values) => {
      const pairs = queryParameters.flatMap((parameter, i) => {
        const value = values[i];
        return typeof value === 'string' ? [`${parameter.name}=${value}`] : [];
      });
      const extra = values.at(-1);
      if (Array.isArray(extra)) pairs.push(`${percentEncode(extra[0])}=${percentEncode(extra[1])}`);
      return pairs.length ? `?${pairs.join('&')}` : '';
    });
  const body: fc.Arbitrary<string | undefined> =
    method === 'get'
      ? fc.constant(undefined)
      : method === 'delete'
        ? fc.option(rawBody, { freq: 8, nil: undefined })
        : fc.oneof(
            { arbitrary: valueFor(bodySchema).map(toJson), weight: 6 },
            { arbitrary: hostileValue.map(toJson), weight: 1 },
            { arbitrary: rawBody, weight: 1 },
          );
  return fc
    .record({
      path: fc.tuple(filledPath, query).map(([p, q]) => p + q),
      headers: fc
        .tuple(hostileHeaders, contentType)
        .map(([headers, type]) => ({ 'content-type': type, ...headers })),
      body,
      key: fc.constantFrom<string | null>(ADMIN_KEY, ADMIN_KEY, ADMIN_KEY, null),
    })
    .map((request) =>
      Object.assign(request, { [fc.toStringMethod]: () => describeRequest(method, request) }),
    );
}

/** A counterexample short enough to read: long strings cut, the key named rather than shown. */
function describeRequest(method: string, { path, headers, body, key }: FuzzRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  return JSON.stringify({
    request: `${method.toUpperCase()} ${cut(path)}`,
    key: key ? 'admin' : 'none',
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, cut(value)])),
    body: body === undefined ? undefined : cut(body),
  });
}

const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => ({ path, method, operation })),
);

describe(`fuzzing every route of the OpenAPI spec (FUZZ_SEED=${SEED})`, () => {
  it('finds the routes in the served spec', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: never a 5xx, every error problem+json with its status',
    async (_name, { path, method, operation }) => {
      await fc.assert(
        fc.asyncProperty(requestFor(path, method, operation), async (request) => {
          const { headers, body } = request;
          const res = await vt.request(method.toUpperCase(), request.path, {
            key: request.key,
            headers,
            ...(body === undefined ? {} : { rawBody: body }),
          });
          const context = `${describeRequest(method, request)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 500)}`;
          expect(res.status, context).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type'), context).toMatch(/^application\/problem\+json/);
            expect(res.body?.status, context).toBe(res.status);
            expect(res.body?.type, context).toMatch(/^\/problems\/[a-z-]+$/);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    120_000,
  );
});
