import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TemplateVariable, VersionContent } from '../../src/domain/content.ts';
import {
  createMetaProvider,
  deleteMetaTemplate,
  type MetaProviderOptions,
  metaError,
} from '../../src/providers/meta/meta-provider.ts';
import { ProviderError, type SubmitRequest } from '../../src/providers/provider.ts';
import { FakeMetaServer } from '../fakes/meta-server.ts';

const WABA = '1029384756';
let meta: FakeMetaServer;
let options: MetaProviderOptions;
let counter = 0;

beforeAll(async () => {
  meta = await new FakeMetaServer().start();
  options = {
    graphUrl: meta.url,
    apiVersion: 'v23.0',
    accessToken: (account) =>
      account === WABA || account === 'other_waba' ? FakeMetaServer.TOKEN : undefined,
    parameterFormat: 'named',
    timeoutMs: 300,
  };
});
afterAll(async () => {
  await meta?.stop();
});
afterEach(() => {
  // A scripted step a test did not use must not leak into the next one.
  meta.clearScript();
});

const variables: TemplateVariable[] = [
  { name: 'first_name', type: 'text', example: 'Ayşe' },
  { name: 'tracking', type: 'url_suffix', example: 'TR998877' },
];

const content: VersionContent = {
  header: 'Siparişiniz yolda',
  body: 'Merhaba {{first_name}}, siparişiniz kargoya verildi. Takip numaranız {{tracking}} olarak kaydedildi.',
  footer: 'Örnek Mağaza',
  buttons: [
    { type: 'quick_reply', text: 'Bize ulaşın' },
    { type: 'url', text: 'Kargom nerede', url: 'https://track.example.com/{{tracking}}' },
    { type: 'phone_number', text: 'Arayın', phoneNumber: '+902121234567' },
    { type: 'copy_code', text: 'Kodu kopyala', example: 'KARGO10' },
  ],
};

function submitRequest(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    account: WABA,
    name: `order_shipped_tr_v${++counter}`,
    languageCode: 'tr',
    category: 'utility',
    content,
    variables,
    parameterFormat: 'named',
    ...overrides,
  };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Meta adapter: create', () => {
  it.each(['named', 'positional'] as const)(
    'creates a %s template Meta accepts, with every button kind',
    async (format) => {
      const adapter = createMetaProvider({ ...options, parameterFormat: format });
      const request = submitRequest({ parameterFormat: format });
      const created = await adapter.create(request);
      expect(created).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
      const stored = meta.templates.get(created.providerTemplateId);
      expect(stored).toMatchObject({
        waba: WABA,
        name: request.name,
        language: 'tr',
        parameterFormat: format.toUpperCase(),
      });
      expect(meta.creates(request.name, 'tr')).toBe(1);
      expect(meta.requests.at(-1)).toMatchObject({
        method: 'POST',
        path: `/v23.0/${WABA}/message_templates`,
        authorization: `Bearer ${FakeMetaServer.TOKEN}`,
      });
    },
  );

  it('returns the category Meta assigned when it differs from the one asked', async () => {
    meta.assignCategory = () => 'MARKETING';
    try {
      const created = await createMetaProvider(options).create(submitRequest());
      expect(created.category).toBe('MARKETING');
      expect(created.raw).toMatchObject({ category: 'MARKETING' });
    } finally {
      meta.assignCategory = (requested) => requested;
    }
  });

  it('flags a second create of the same name and language as a permanent duplicate (100 / 2388024)', async () => {
    const adapter = createMetaProvider(options);
    const request = submitRequest();
    await adapter.create(request);
    const error = await providerError(adapter.create(request));
    expect(error).toMatchObject({ transient: false, duplicate: true, code: '100', subcode: '2388024' });
    expect(meta.creates(request.name, 'tr')).toBe(1);
    // The same name in another language is another template.
    await expect(adapter.create({ ...request, languageCode: 'en' })).resolves.toMatchObject({
      status: 'PENDING',
    });
  });

  it('reports a variable at the edge of the body as a permanent format error (100 / 2388299)', async () => {
    const error = await providerError(
      createMetaProvider(options).create(
        submitRequest({ content: { body: '{{first_name}}, siparişiniz kargoya verildi.' } }),
      ),
    );
    expect(error).toMatchObject({ transient: false, duplicate: false, code: '100', subcode: '2388299' });
  });

  it('reports a name held after deletion (2388023) as permanent', async () => {
    const adapter = createMetaProvider(options);
    const request = submitRequest();
    const created = await adapter.create(request);
    meta.setStatus(created.providerTemplateId, 'APPROVED');
    expect(
      await deleteMetaTemplate(options, { ...request, providerTemplateId: created.providerTemplateId }),
    ).toBe(true);
    const error = await providerError(adapter.create(request));
    expect(error).toMatchObject({ transient: false, duplicate: false, subcode: '2388023' });
  });

  it('refuses without calling Meta when no token is configured for the WABA', async () => {
    const before = meta.requests.length;
    const error = await providerError(createMetaProvider(options).create(submitRequest({ account: '999' })));
    expect(error.transient).toBe(false);
    expect(meta.requests.length).toBe(before);
  });

  it('treats a refused token (190) as permanent', async () => {
    const adapter = createMetaProvider({ ...options, accessToken: () => 'expired-token' });
    const error = await providerError(adapter.create(submitRequest()));
    expect(error).toMatchObject({ transient: false, code: '190' });
  });
});

describe('Meta adapter: failures', () => {
  it.each<[{ status: number; code?: number; subcode?: number }, boolean]>([
    [{ status: 503 }, true],
    [{ status: 500, code: 1 }, true],
    [{ status: 429 }, true],
    [{ status: 400, code: 4 }, true],
    [{ status: 400, code: 17 }, true],
    [{ status: 400, code: 32 }, true],
    [{ status: 400, code: 613 }, true],
    [{ status: 400, code: 80004 }, true],
    [{ status: 400, code: 80008 }, true],
    [{ status: 400, code: 2 }, true],
    [{ status: 400, code: 100 }, false],
    [{ status: 400, code: 100, subcode: 2388042 }, false],
    [{ status: 403, code: 200 }, false],
    [{ status: 400, code: 1 }, false],
  ])('maps %o to transient=%s', async (fail, transient) => {
    meta.script({ kind: 'fail', on: 'create', ...fail });
    const error = await providerError(createMetaProvider(options).create(submitRequest()));
    expect(error.transient).toBe(transient);
    expect(error.duplicate).toBe(false);
    if (fail.code !== undefined) expect(error.code).toBe(String(fail.code));
  });

  it('keeps Graph’s code, subcode and message, whatever language the message is in', async () => {
    meta.script({
      kind: 'fail',
      on: 'create',
      status: 400,
      code: 100,
      subcode: 2388024,
      message: 'Bu dilde içerik zaten var',
    });
    const error = await providerError(createMetaProvider(options).create(submitRequest()));
    expect(error).toMatchObject({ code: '100', subcode: '2388024', duplicate: true });
    expect(error.message).toContain('Bu dilde içerik zaten var');
  });

  it('takes Retry-After in seconds or as an HTTP date', async () => {
    meta.script({ kind: 'fail', on: 'create', status: 429, retryAfter: '17' });
    expect((await providerError(createMetaProvider(options).create(submitRequest()))).retryAfterSeconds).toBe(
      17,
    );
    meta.script({
      kind: 'fail',
      on: 'create',
      status: 503,
      retryAfter: new Date(Date.now() + 120_000).toUTCString(),
    });
    const seconds = (await providerError(createMetaProvider(options).create(submitRequest())))
      .retryAfterSeconds;
    expect(seconds).toBeGreaterThanOrEqual(118);
    expect(seconds).toBeLessThanOrEqual(120);
    meta.script({ kind: 'fail', on: 'create', status: 503 });
    expect(
      (await providerError(createMetaProvider(options).create(submitRequest()))).retryAfterSeconds,
    ).toBeUndefined();
  });

  it('maps a 5xx without a Graph body to transient and a 4xx without one to permanent', () => {
    expect(metaError(502, '<html>Bad gateway</html>', null).transient).toBe(true);
    expect(metaError(404, undefined, null).transient).toBe(false);
  });

  it('times out a stalled call as transient within the configured time', async () => {
    meta.script({ kind: 'stall', on: 'create' });
    const started = Date.now();
    const error = await providerError(createMetaProvider(options).create(submitRequest()));
    expect(error.transient).toBe(true);
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('leaves the template created when Meta applies the create and then times out, so a read finds it', async () => {
    const adapter = createMetaProvider(options);
    const request = submitRequest();
    meta.script({ kind: 'create-then-stall' });
    expect((await providerError(adapter.create(request))).transient).toBe(true);
    expect(meta.creates(request.name, 'tr')).toBe(1);
    await expect(adapter.fetchStatus(request)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('maps an unreachable host to transient', async () => {
    const adapter = createMetaProvider({ ...options, graphUrl: 'http://127.0.0.1:9' });
    expect((await providerError(adapter.create(submitRequest()))).transient).toBe(true);
  });
});

describe('Meta adapter: fetchStatus', () => {
  it('reads a template by id with its status, category, reason and quality score', async () => {
    const adapter = createMetaProvider(options);
    const request = submitRequest();
    const { providerTemplateId } = await adapter.create(request);
    meta.setStatus(providerTemplateId, 'REJECTED', {
      rejectedReason: 'INVALID_FORMAT',
      qualityScore: 'UNKNOWN',
    });
    const found = await adapter.fetchStatus({ ...request, providerTemplateId });
    expect(found).toMatchObject({
      providerTemplateId,
      status: 'REJECTED',
      category: 'UTILITY',
      reason: 'INVALID_FORMAT',
      qualityScore: 'UNKNOWN',
    });
    const last = meta.requests.at(-1);
    expect(last?.path).toBe(`/v23.0/${providerTemplateId}`);
    expect(last?.query.get('fields')).toBe('id,name,language,status,category,quality_score,rejected_reason');
  });

  it('answers null for an id Meta does not know (100 / 33)', async () => {
    await expect(
      createMetaProvider(options).fetchStatus({
        account: WABA,
        name: 'gone',
        languageCode: 'tr',
        providerTemplateId: '42',
      }),
    ).resolves.toBeNull();
  });

  it('finds a template by exact name and language, following paging past near-namesakes', async () => {
    meta.pageSize = 1;
    try {
      const adapter = createMetaProvider(options);
      const base = `lesson_moved_${++counter}`;
      // Meta's name filter matches these too; only the exact name and language may be taken.
      await adapter.create(submitRequest({ name: `${base}_x`, languageCode: 'tr' }));
      await adapter.create(submitRequest({ name: base, languageCode: 'en' }));
      await adapter.create(submitRequest({ name: `x_${base}`, languageCode: 'tr' }));
      const wanted = await adapter.create(submitRequest({ name: base, languageCode: 'tr' }));
      await adapter.create(submitRequest({ name: base, languageCode: 'tr', account: 'other_waba' }));
      const before = meta.requests.length;
      const found = await adapter.fetchStatus({ account: WABA, name: base, languageCode: 'tr' });
      expect(found?.providerTemplateId).toBe(wanted.providerTemplateId);
      expect(meta.requests.length - before).toBe(4);
      expect(await adapter.fetchStatus({ account: WABA, name: base, languageCode: 'pl' })).toBeNull();
    } finally {
      meta.pageSize = 25;
    }
  });

  it('reads a quality score given as a plain string', async () => {
    const adapter = createMetaProvider({
      ...options,
      fetch: async () =>
        Response.json({
          id: '7',
          name: 'n',
          language: 'tr',
          status: 'APPROVED',
          category: 'UTILITY',
          quality_score: 'GREEN',
        }),
    });
    await expect(
      adapter.fetchStatus({ account: WABA, name: 'n', languageCode: 'tr', providerTemplateId: '7' }),
    ).resolves.toMatchObject({ qualityScore: 'GREEN', reason: null });
  });

  it('never sends the token to another host named by a paging link', async () => {
    const seen: string[] = [];
    const adapter = createMetaProvider({
      ...options,
      fetch: async (url) => {
        seen.push(String(url));
        return Response.json({
          data: [],
          paging: { next: 'https://evil.example.com/v23.0/1/message_templates' },
        });
      },
    });
    const error = await providerError(adapter.fetchStatus({ account: WABA, name: 'n', languageCode: 'tr' }));
    expect(error.transient).toBe(false);
    expect(seen).toHaveLength(1);
  });
});

describe('Meta adapter: delete and languages', () => {
  it('deletes one language only, by hsm_id and name', async () => {
    const adapter = createMetaProvider(options);
    const request = submitRequest();
    const tr = await adapter.create(request);
    const en = await adapter.create({ ...request, languageCode: 'en' });
    expect(await deleteMetaTemplate(options, { ...request, providerTemplateId: tr.providerTemplateId })).toBe(
      true,
    );
    const call = meta.requests.at(-1);
    expect(call?.method).toBe('DELETE');
    expect(Object.fromEntries(call?.query ?? [])).toEqual({
      hsm_id: tr.providerTemplateId,
      name: request.name,
    });
    expect(meta.templates.has(tr.providerTemplateId)).toBe(false);
    expect(meta.templates.has(en.providerTemplateId)).toBe(true);
    expect(await deleteMetaTemplate(options, request)).toBe(false);
  });

  it('maps language tags to Meta’s codes', () => {
    const adapter = createMetaProvider(options);
    expect(adapter.languageCode('es-ES')).toBe('es_ES');
    expect(adapter.languageCode('ru-RU')).toBe('ru');
    expect(adapter.languageCode('pt')).toBeNull();
    expect(adapter.kind).toBe('meta');
  });
});
