import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { createRouter, jsonContent, security } from '../../src/http/openapi.ts';
import { useTestVetted } from '../support/harness.ts';
import { type AnsweredResponse, ResponseSchemas, responseSchemasOf } from '../support/response-schema.ts';

const vt = useTestVetted();

const answer = (status: number, body: unknown, type = 'application/json'): AnsweredResponse => ({
  status,
  headers: new Headers({ 'content-type': type }),
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

/** A one-route app whose handler answers `thing`, checked against its own document. */
async function askTinyApp(thing: unknown): Promise<void> {
  const app = createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/things/{id}',
      request: { params: z.object({ id: z.string() }) },
      security,
      responses: { 200: jsonContent(z.object({ id: z.uuid(), name: z.string() }).strict(), 'A thing') },
    }),
    (c) => c.json(thing as { id: string; name: string }, 200),
  );
  const schemas = new ResponseSchemas(
    app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'tiny', version: '1' } }),
  );
  const res = await app.request('/things/7');
  schemas.check('GET', '/things/7', { status: res.status, headers: res.headers, text: await res.text() });
}

describe('every answer a test receives is checked against the OpenAPI document', () => {
  it('fails a route whose handler answers a field its schema forbids, naming route, status and field', async () => {
    const id = '6f1c2a9e-4b0d-4c3e-9a51-0c8d2e7b5f14';
    await expect(askTinyApp({ id, name: 'ok' })).resolves.toBeUndefined();
    await expect(askTinyApp({ id, name: 'ok', secret: 'leaked' })).rejects.toThrow(
      /GET \/things\/\{id\} \(id=7\) answered 200 application\/json.*additionalProperty.*secret.*body: \{/s,
    );
    await expect(askTinyApp({ id: 'not-a-uuid', name: 'ok' })).rejects.toThrow(
      /\/id must match format "uuid"/,
    );
  });

  it("documents the plumbing's problems on every route createRouter registers", async () => {
    const app = createRouter().openapi(
      createRoute({
        method: 'post',
        path: '/things',
        security,
        request: { body: { content: { 'application/json': { schema: z.object({ name: z.string() }) } } } },
        responses: { 201: { description: 'Made' } },
      }),
      (c) => c.body(null, 201),
    );
    const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'tiny', version: '1' } });
    expect(Object.keys(document.paths?.['/things']?.post?.responses ?? {}).sort()).toEqual(
      ['201', '400', '401', '403', '413', '415', '422', '429', '503'].sort(),
    );
  });

  it('fails a known body that drifted, a status the route does not document and an undeclared media type', async () => {
    const schemas = await responseSchemasOf(vt.app);
    const market = (await vt.request('GET', '/v1/markets/TR')).body;
    expect(() => schemas.check('GET', '/v1/markets/TR', answer(200, market))).not.toThrow();
    expect(() => schemas.check('GET', '/v1/markets/TR', answer(200, { ...market, vip: true }))).toThrow(
      /GET \/v1\/markets\/\{market\} \(market=TR\) answered 200.*vip/s,
    );
    expect(() =>
      schemas.check('GET', '/v1/markets/TR', answer(200, { ...market, status: 'paused' })),
    ).toThrow(/\/status must be equal to one of the allowed values/);
    const problem = { type: '/problems/internal', title: 'Internal', status: 500, detail: 'Oops' };
    expect(() =>
      schemas.check('GET', '/v1/markets/TR', answer(500, problem, 'application/problem+json')),
    ).toThrow(/status 500 is not documented for the route/);
    expect(() => schemas.check('GET', '/v1/markets/TR', answer(200, '<p>TR</p>', 'text/html'))).toThrow(
      /media type "text\/html" is not documented for status 200/,
    );
    expect(() => schemas.check('DELETE', '/v1/markets/TR', answer(204, market))).toThrow(
      /status 204 is documented without a body/,
    );
  });

  it('holds problems to the Problem schema, on unknown paths and wrong methods too', async () => {
    const schemas = await responseSchemasOf(vt.app);
    const notFound = { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'No such path' };
    const check = (method: string, path: string, res: AnsweredResponse) => () =>
      schemas.check(method, path, res);
    expect(check('GET', '/v1/nowhere', answer(404, notFound, 'application/problem+json'))).not.toThrow();
    expect(
      check('GET', '/v1/nowhere', answer(404, { ...notFound, status: '404' }, 'application/problem+json')),
    ).toThrow(/\/status must be integer/);
    expect(check('GET', '/v1/nowhere', answer(200, { items: [] }))).toThrow(
      /JSON from a path the document does not describe/,
    );
    expect(check('PUT', '/v1/markets', answer(404, notFound, 'application/problem+json'))).toThrow(
      /a method the path does not have is not a 405/,
    );
    expect(check('GET', '/v1/markets/TR', answer(404, notFound))).toThrow(/media type "application\/json"/);
  });

  it('reads OpenAPI 3.1 only, whose schemas are JSON Schema 2020-12', () => {
    expect(() => new ResponseSchemas({ openapi: '3.0.3', paths: {}, components: { schemas: {} } })).toThrow(
      /reads OpenAPI 3\.1 documents, not 3\.0\.3/,
    );
  });
});
