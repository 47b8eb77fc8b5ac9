import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { z } from 'zod';

/** The parts of an OpenAPI 3.1 document the check reads; everything else passes through. */
const MediaTypes = z.record(z.string(), z.object({ schema: z.unknown().optional() }).loose());
const Operation = z
  .object({ responses: z.record(z.string(), z.object({ content: MediaTypes.optional() }).loose()) })
  .loose();
const OpenApiDocument = z
  .object({
    openapi: z.string(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.object({ schemas: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose();

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** The description and its reference page sit beside the API; the document does not list itself. */
const DOCUMENTATION = /^\/(openapi\.json|docs(\/.*)?)$/;
/** Keywords of the OpenAPI 3.1 schema dialect on top of JSON Schema 2020-12: annotations only. */
const OPENAPI_KEYWORDS = ['discriminator', 'xml', 'externalDocs', 'example'];
const SHOWN_BODY_CHARS = 1000;

export interface AnsweredResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  parameters: string[];
  /** Literal segments first, so `/v1/render/batch` wins over a `/v1/render/{x}`. */
  specificity: number[];
  operations: Map<string, z.infer<typeof Operation>>;
}

const COMPONENTS_ID = 'openapi-components';
const PROBLEM_SCHEMA = { $ref: `${COMPONENTS_ID}#/$defs/Problem` };

/**
 * The document with its `#/components/schemas/…` references pointing at the one schema that holds
 * the components, so each response schema compiles on its own and resolves them as a client does.
 */
function withComponentReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withComponentReferences);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/components\/schemas\//, `${COMPONENTS_ID}#/$defs/`)
        : withComponentReferences(inner),
    ]),
  );
}

function mediaTypeOf(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const isJson = (mediaType: string) => /^application\/([\w.-]+\+)?json$/.test(mediaType);

function routeOf(template: string, item: Record<string, unknown>): Route {
  const segments = template.split('/');
  const parameters = segments.flatMap((s) => (/^\{.+\}$/.test(s) ? [s.slice(1, -1)] : []));
  const pattern = new RegExp(
    `^${segments
      .map((s) => (/^\{.+\}$/.test(s) ? '([^/]+)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  const operations = new Map(
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => [method, Operation.parse(operation)] as const),
  );
  return {
    template,
    pattern,
    parameters,
    specificity: segments.map((s) => (/^\{.+\}$/.test(s) ? 0 : 1)),
    operations,
  };
}

function moreSpecific(a: Route, b: Route): number {
  for (let i = 0; i < Math.max(a.specificity.length, b.specificity.length); i++) {
    const difference = (b.specificity[i] ?? 0) - (a.specificity[i] ?? 0);
    if (difference) return difference;
  }
  return 0;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `  ${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
    .join('\n');
}

function shown(text: string): string {
  return text.length > SHOWN_BODY_CHARS ? `${text.slice(0, SHOWN_BODY_CHARS)}… (${text.length} chars)` : text;
}

/**
 * Checks answers against the OpenAPI document they were given under: the operation is found by
 * method and path template, the response by status (or `default`) and media type, and the body
 * is validated against its schema. A status or media type the document does not list for the
 * route fails like a body that does not match.
 */
export class ResponseSchemas {
  readonly #ajv: Ajv2020;
  readonly #routes: Route[];
  readonly #validators = new Map<unknown, ValidateFunction>();

  constructor(document: unknown) {
    const parsed = OpenApiDocument.parse(withComponentReferences(document));
    // 3.1 schemas are JSON Schema 2020-12; a 3.0 document (nullable, boolean exclusiveMinimum)
    // would need translating first, and the app serves none.
    if (!parsed.openapi.startsWith('3.1.'))
      throw new Error(`the response check reads OpenAPI 3.1 documents, not ${parsed.openapi}`);
    this.#ajv = new Ajv2020({ strict: true, allErrors: true });
    // A CommonJS module whose export is also its own `default`: the one name typed as callable.
    ajvFormats.default(this.#ajv);
    this.#ajv.addVocabulary(OPENAPI_KEYWORDS);
    this.#ajv.addSchema({ $id: COMPONENTS_ID, $defs: parsed.components.schemas });
    this.#routes = Object.entries(parsed.paths)
      .map(([template, item]) => routeOf(template, item))
      .sort(moreSpecific);
  }

  /** Throws, naming the route, status, schema errors and the body, unless the document allows the answer. */
  check(method: string, url: string, response: AnsweredResponse): void {
    const path = new URL(url, 'http://vetted.test').pathname;
    const route = this.#routes.find((r) => r.pattern.test(path));
    if (!route) {
      this.#checkOutsideDocument(`${method.toUpperCase()} ${path} (no path of the document)`, path, response);
      return;
    }
    const values = route.pattern.exec(path)?.slice(1) ?? [];
    const name = `${method.toUpperCase()} ${route.template}${
      route.parameters.length ? ` (${route.parameters.map((p, i) => `${p}=${values[i]}`).join(', ')})` : ''
    }`;
    const schema = this.#schemaOf(name, route, method.toLowerCase(), response);
    if (schema !== undefined) this.#validate(name, response, schema);
  }

  /** The schema of the answer's body; undefined when the answer has no body to check. */
  #schemaOf(name: string, route: Route, verb: string, response: AnsweredResponse): unknown {
    // HEAD is answered wherever GET is, with GET's status and headers and no body.
    const documentedVerb = verb === 'head' && !route.operations.has(verb) ? 'get' : verb;
    const operation = route.operations.get(documentedVerb);
    if (!operation) {
      // A known path with a method it does not have: the app answers 405 with Allow.
      if (response.status !== 405) this.#fail(name, response, 'a method the path does not have is not a 405');
      return this.#problemSchema(name, response);
    }
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => operation.responses[k]);
    const content = key === undefined ? undefined : (operation.responses[key]?.content ?? {});
    if (key === undefined || content === undefined)
      this.#fail(name, response, `status ${status} is not documented for the route`);
    if (Object.keys(content).length === 0) {
      if (response.text !== '') this.#fail(name, response, `status ${status} is documented without a body`);
      return undefined;
    }
    if (verb === 'head') return undefined;
    const mediaType = mediaTypeOf(response.headers);
    const declared = [mediaType, `${mediaType.split('/')[0]}/*`, '*/*'].find((m) => content[m]);
    if (!declared) {
      const listed = Object.keys(content).join(', ');
      this.#fail(
        name,
        response,
        `media type "${mediaType}" is not documented for status ${status} (${listed} is)`,
      );
    }
    return content[declared]?.schema;
  }

  /**
   * A path the document does not describe: only its problems (404 for an unknown path) are the
   * API's; JSON of any other kind there is an undocumented route. Pages and scripts are not the API.
   */
  #checkOutsideDocument(name: string, path: string, response: AnsweredResponse): void {
    if (DOCUMENTATION.test(path)) return;
    const mediaType = mediaTypeOf(response.headers);
    if (mediaType === 'application/problem+json')
      this.#validate(name, response, this.#problemSchema(name, response));
    else if (isJson(mediaType)) this.#fail(name, response, 'JSON from a path the document does not describe');
  }

  #problemSchema(name: string, response: AnsweredResponse): unknown {
    if (mediaTypeOf(response.headers) !== 'application/problem+json')
      this.#fail(name, response, 'a problem is not application/problem+json');
    return PROBLEM_SCHEMA;
  }

  #validate(name: string, response: AnsweredResponse, schema: unknown): void {
    let validate = this.#validators.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(schema as object);
      this.#validators.set(schema, validate);
    }
    let body: unknown = response.text;
    if (isJson(mediaTypeOf(response.headers))) {
      try {
        body = JSON.parse(response.text);
      } catch {
        this.#fail(name, response, 'the body is not JSON');
      }
    }
    if (!validate(body))
      this.#fail(name, response, `the body does not match the schema:\n${describeErrors(validate.errors)}`);
  }

  #fail(name: string, response: AnsweredResponse, why: string): never {
    const mediaType = mediaTypeOf(response.headers) || '(no content type)';
    throw new Error(
      `${name} answered ${response.status} ${mediaType}, which the OpenAPI document does not allow: ${why}\nbody: ${shown(response.text)}`,
    );
  }
}

let fromApp: Promise<ResponseSchemas> | undefined;

/** The app's own document, read and compiled once per test process (every app serves the same one). */
export function responseSchemasOf(app: { request(path: string): Response | Promise<Response> }) {
  fromApp ??= (async () => new ResponseSchemas(await (await app.request('/openapi.json')).json()))();
  return fromApp;
}
