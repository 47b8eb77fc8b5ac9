import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../src/http/problem.ts';
import {
  createDraft,
  createTemplate,
  render,
  submitAndWait,
  TURKISH_BODY,
  versionsPath,
} from '../support/fixtures.ts';
import { type TestResponse, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

/** Text that gives away a stack trace or the server's file layout. */
const STACK_TRACE = /\n\s+at |\bat \S.*:\d+:\d+|\/src\/|node_modules|\.(ts|js|mjs|cjs):\d+/;

/** Asserts a valid RFC 9457 problem document with the given status (and type, when given). */
function expectProblem(res: TestResponse, status: number, type?: string) {
  const context = JSON.stringify(res.body);
  expect(res.status, context).toBe(status);
  expect(res.headers.get('content-type'), context).toMatch(/^application\/problem\+json/);
  expect(typeof res.body, context).toBe('object');
  expect(res.body.type, context).toMatch(/^\/problems\/[a-z-]+$/);
  if (type) expect(res.body.type, context).toBe(`/problems/${type}`);
  expect(res.body.status, context).toBe(status);
  expect(typeof res.body.title, context).toBe('string');
  expect(res.body.title.length, context).toBeGreaterThan(0);
  expect(typeof res.body.detail, context).toBe('string');
  expect(res.body.detail.length, context).toBeGreaterThan(0);
  expect(res.body.detail, 'every placeholder of the detail is filled in').not.toContain('{{');
  expect(context).not.toMatch(STACK_TRACE);
  expect(res.body).not.toHaveProperty('stack');
  if (res.body.errors !== undefined) {
    expect(Array.isArray(res.body.errors), context).toBe(true);
    for (const error of res.body.errors) {
      expect(typeof error.path, context).toBe('string');
      expect(error.path, context).toMatch(/^\//);
      expect(typeof error.message, context).toBe('string');
    }
  }
}

const errorPaths = (res: TestResponse): string[] =>
  (res.body.errors as Array<{ path: string }>).map((e) => e.path);

describe('request problems', () => {
  it('answers a malformed JSON body with 400 malformed-request', async () => {
    const res = await vt.request('POST', '/v1/templates', { rawBody: '{"key": "oops",' });
    expectProblem(res, 400, 'malformed-request');
  });

  it('answers wrong field types with 422 validation-failed naming each field', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      body: { key: 42, category: 'nonsense', variables: 'none' },
    });
    expectProblem(res, 422, 'validation-failed');
    expect(errorPaths(res)).toEqual(expect.arrayContaining(['/key', '/category', '/variables']));
  });

  it('answers an unknown field in a strict body with 422', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      body: { key: 'strict_body_check', category: 'utility', status: 'approved' },
    });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it('refuses client-set status or version number on a new draft with 422', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key), {
      body: { body: TURKISH_BODY, status: 'approved', version: 7 },
    });
    expectProblem(res, 422, 'validation-failed');
  });

  it('answers an invalid query parameter with 422 naming it', async () => {
    const res = await vt.request('GET', '/v1/templates?limit=500');
    expectProblem(res, 422, 'validation-failed');
    expect(errorPaths(res)).toContain('/limit');
  });

  it('answers an invalid path parameter with 422', async () => {
    const key = await createTemplate(vt);
    expectProblem(await vt.request('GET', `${versionsPath(key)}/abc`), 422, 'validation-failed');
    expectProblem(await vt.request('GET', '/v1/markets/turkey'), 422, 'validation-failed');
  });

  it('answers a body that is not JSON with 415 problem+json', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      rawBody: 'key=abc',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('answers a body over 3 MB with 413', async () => {
    const res = await vt.request('POST', '/v1/templates', {
      rawBody: JSON.stringify({ key: 'big_body', category: 'utility', description: 'x'.repeat(3_200_000) }),
    });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('answers a body over 3 MB with a declared Content-Length with 413', async () => {
    const rawBody = JSON.stringify({ key: 'big_body', description: 'x'.repeat(3_200_000) });
    const res = await vt.request('POST', '/v1/templates', {
      rawBody,
      headers: { 'content-length': String(Buffer.byteLength(rawBody)) },
    });
    expectProblem(res, 413, 'payload-too-large');
  });
});

describe('resource problems', () => {
  it('gives every problem a request id, in the body and the X-Request-Id header, echoing a sensible one from the caller', async () => {
    const own = await vt.request('GET', '/v1/nothing-here');
    expect(own.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(own.headers.get('x-request-id')).toBe(own.body.requestId);
    const echoed = await vt.request('GET', '/v1/nothing-here', {
      headers: { 'x-request-id': 'sender-trace-42' },
    });
    expect(echoed.body.requestId).toBe('sender-trace-42');
    const unsafe = await vt.request('GET', '/v1/nothing-here', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(unsafe.body.requestId).not.toBe('bad id <script>');
  });

  it('answers a cursor it never issued with 422, on every paginated list', async () => {
    const forged = Buffer.from('not-a-position').toString('base64url');
    for (const path of [
      '/v1/api-keys',
      '/v1/templates/x_y/variants/TR/tr/versions',
      '/v1/templates/x_y/events',
    ]) {
      const res = await vt.request('GET', `${path}?cursor=${forged}`);
      expect(res.status, path).not.toBe(500);
      if (res.status === 422) expect(res.body.errors[0].path).toBe('/cursor');
    }
    const keys = await vt.request('GET', `/v1/api-keys?cursor=${forged}`);
    expectProblem(keys, 422, 'validation-failed');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(await vt.request('GET', '/v1/nothing-here'), 404, 'not-found');
    expectProblem(await vt.request('GET', '/v1/nothing-here', { key: null }), 404);
  });

  it('names what was not found in the detail, even when the code gives no resource', async () => {
    const path = '/v1/api-keys/00000000-0000-4000-8000-000000000000';
    const res = await vt.request('DELETE', path);
    expectProblem(res, 404, 'not-found');
    expect(res.body.detail).toContain(path);
  });

  it('answers an unknown template with 404 unknown-template', async () => {
    expectProblem(await vt.request('GET', '/v1/templates/no_such_template'), 404, 'unknown-template');
    const draft = await vt.request('POST', versionsPath('no_such_template'), { body: { body: 'Merhaba' } });
    expectProblem(draft, 404, 'unknown-template');
  });

  it('answers an unknown market with 404 unknown-market', async () => {
    expectProblem(await vt.request('GET', '/v1/markets/ZZ'), 404, 'unknown-market');
  });

  it('answers an unknown version with 404 unknown-version', async () => {
    const key = await createTemplate(vt);
    expectProblem(await vt.request('GET', `${versionsPath(key)}/99`), 404, 'unknown-version');
  });

  it('answers a duplicate template key with 409 conflict', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', '/v1/templates', {
      body: { key, category: 'utility', description: 'again' },
    });
    expectProblem(res, 409, 'conflict');
  });
});

describe('concurrency and lifecycle problems', () => {
  it('answers PATCH of a version without If-Match with 428 precondition-required', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const res = await vt.request('PATCH', `${versionsPath(key)}/${n}`, { body: { body: TURKISH_BODY } });
    expectProblem(res, 428, 'precondition-required');
  });

  it('answers PATCH of a version with a stale ETag with 412 precondition-failed', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const path = `${versionsPath(key)}/${n}`;
    const etag = (await vt.request('GET', path)).headers.get('etag');
    expect(etag).toBeTruthy();
    const first = await vt.request('PATCH', path, {
      body: { body: `${TURKISH_BODY} İyi günler.` },
      headers: { 'if-match': etag as string },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const stale = await vt.request('PATCH', path, {
      body: { body: TURKISH_BODY },
      headers: { 'if-match': etag as string },
    });
    expectProblem(stale, 412, 'precondition-failed');
  });

  it('answers DELETE of a template without If-Match with 428 and with a stale ETag with 412', async () => {
    const key = await createTemplate(vt);
    expectProblem(await vt.request('DELETE', `/v1/templates/${key}`), 428, 'precondition-required');
    const stale = await vt.request('DELETE', `/v1/templates/${key}`, {
      headers: { 'if-match': '"stale.0"' },
    });
    expectProblem(stale, 412, 'precondition-failed');
  });

  it('answers an edit of a submitted version with 409 version-frozen', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const path = `${versionsPath(key)}/${n}`;
    const submit = await vt.request('POST', `${path}/submit`);
    expect(submit.status, JSON.stringify(submit.body)).toBe(202);
    const etag = (await vt.request('GET', path)).headers.get('etag') as string;
    const res = await vt.request('PATCH', path, {
      body: { body: TURKISH_BODY },
      headers: { 'if-match': etag },
    });
    expectProblem(res, 409, 'version-frozen');
    const del = await vt.request('DELETE', path, { headers: { 'if-match': etag } });
    expectProblem(del, 409, 'version-frozen');
  });

  it('answers a submission in an upcoming market with 409 market-upcoming', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(
      vt,
      key,
      { body: 'Ciao {{student_name}}, la lezione è spostata a {{lesson_at}}.' },
      'IT',
      'it',
    );
    const res = await vt.request('POST', `${versionsPath(key, 'IT', 'it')}/${n}/submit`);
    expectProblem(res, 409, 'market-upcoming');
  });

  it('answers a draft in a language the market does not have with 422 naming the language', async () => {
    const key = await createTemplate(vt);
    const res = await vt.request('POST', versionsPath(key, 'TR', 'pl'), { body: { body: 'Cześć' } });
    expectProblem(res, 422, 'validation-failed');
    expect(errorPaths(res)).toContain('/language');
  });
});

describe('render problems', () => {
  let key: string;
  beforeAll(async () => {
    key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    expect(await submitAndWait(vt, key, n)).toBe('approved');
    expect((await render(vt, key)).status).toBe(200);
  });

  it('names a missing variable in errors[].path with 422 invalid-variables', async () => {
    const res = await render(vt, key, { variables: { student_name: 'Ayşe' } });
    expectProblem(res, 422, 'invalid-variables');
    expect(errorPaths(res)).toEqual(['/variables/lesson_at']);
  });

  it('refuses a variable value with a newline with 422 invalid-variables', async () => {
    const res = await render(vt, key, { variables: { student_name: 'Ayşe\nHanım', lesson_at: '12 Mayıs' } });
    expectProblem(res, 422, 'invalid-variables');
    expect(errorPaths(res)).toEqual(['/variables/student_name']);
  });

  it('refuses a variable the template does not declare with 422 invalid-variables', async () => {
    const res = await render(vt, key, {
      variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs', coupon: 'SAVE10' },
    });
    expectProblem(res, 422, 'invalid-variables');
    expect(errorPaths(res)).toEqual(['/variables/coupon']);
  });

  it('answers a template without an approved variant with 404 no-approved-variant', async () => {
    const other = await createTemplate(vt);
    expectProblem(await render(vt, other), 404, 'no-approved-variant');
  });

  it('answers an unknown template with 404 unknown-template', async () => {
    expectProblem(await render(vt, 'no_such_template'), 404, 'unknown-template');
  });
});

describe('localised problems', () => {
  const unknownTemplate = (acceptLanguage?: string) =>
    vt.request('GET', '/v1/templates/no_such_template', {
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });

  it('gives a non-English title and detail for ru, pl, tr and tr-TR', async () => {
    const en = await unknownTemplate('en');
    expectProblem(en, 404, 'unknown-template');
    expect(en.body.title).toBe('Unknown template');
    const titles = new Set<string>([en.body.title]);
    for (const [header, language] of [
      ['ru', 'ru'],
      ['pl', 'pl'],
      ['tr', 'tr'],
      ['tr-TR,tr;q=0.9', 'tr'],
    ] as const) {
      const res = await unknownTemplate(header);
      expectProblem(res, 404, 'unknown-template');
      expect(res.body.title, header).not.toBe(en.body.title);
      expect(res.body.detail, header).not.toBe(en.body.detail);
      expect(res.body.detail, header).toContain('no_such_template');
      titles.add(`${language}:${res.body.title}`);
    }
    // ru, pl and tr differ from one another; tr and tr-TR agree.
    expect(titles.size).toBe(4);
  });

  it('falls back to English for an unsupported language or no header', async () => {
    const en = await unknownTemplate('en');
    for (const header of ['de', 'zh-CN,ja;q=0.8', undefined]) {
      const res = await unknownTemplate(header);
      expectProblem(res, 404, 'unknown-template');
      expect(res.body.title, header).toBe(en.body.title);
      expect(res.body.detail, header).toBe(en.body.detail);
    }
  });

  it('keeps the problem type and errors paths stable across languages', async () => {
    const body = { key: 42, category: 'utility' };
    const en = await vt.request('POST', '/v1/templates', { body });
    const ru = await vt.request('POST', '/v1/templates', { body, headers: { 'accept-language': 'ru' } });
    expectProblem(en, 422, 'validation-failed');
    expectProblem(ru, 422, 'validation-failed');
    expect(ru.body.title).not.toBe(en.body.title);
    expect(errorPaths(ru)).toEqual(errorPaths(en));
  });

  it('localises 401 and 403 problems too', async () => {
    const en = await vt.request('GET', '/v1/markets', { key: null });
    const pl = await vt.request('GET', '/v1/markets', { key: null, headers: { 'accept-language': 'pl' } });
    expectProblem(en, 401, 'unauthorized');
    expectProblem(pl, 401, 'unauthorized');
    expect(pl.body.title).not.toBe(en.body.title);
  });
});

describe('unexpected failures', () => {
  /** A bare app with the service's error handler, and routes that fail the ways code can. */
  function failingApp() {
    const app = new Hono();
    app.onError(createErrorHandler(vt.deps.i18n, vt.deps.log));
    app.get('/throws', () => {
      throw new Error('connection refused at /work/main/src/db.ts:12:3');
    });
    app.get('/http-exception', () => {
      throw new HTTPException(405, { message: 'nope' });
    });
    return app;
  }

  async function call(path: string, acceptLanguage?: string): Promise<TestResponse> {
    const res = await failingApp().request(path, {
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  }

  it('turns an unexpected error into an opaque 500 problem without a stack or the error message', async () => {
    const res = await call('/throws');
    expectProblem(res, 500, 'internal');
    expect(JSON.stringify(res.body)).not.toContain('connection refused');
  });

  it('maps a framework HTTP error to the problem type of its status', async () => {
    expectProblem(await call('/http-exception'), 405, 'method-not-allowed');
  });

  it('localises the 500 problem', async () => {
    const en = await call('/throws');
    const tr = await call('/throws', 'tr');
    expect(tr.body.title).not.toBe(en.body.title);
  });
});
