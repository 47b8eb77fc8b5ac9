import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, ROLES, type Role } from '../../db/schema/index.ts';
import {
  createDraft,
  createTemplate,
  LESSON_VARIABLES,
  submitAndWait,
  TURKISH_BODY,
  versionsPath,
} from '../support/fixtures.ts';
import {
  ADMIN_KEY,
  startTestVetted,
  type TestResponse,
  type TestVetted,
  uniqueKey,
} from '../support/harness.ts';

let vt: TestVetted;

/** The route table of api.md, by operationId: the roles that may call each route. */
const ANY_ROLE: readonly Role[] = ROLES;
const READERS: readonly Role[] = ['admin', 'editor', 'translator', 'viewer'];
const EDITORS: readonly Role[] = ['admin', 'editor'];
const AUTHORS: readonly Role[] = ['admin', 'editor', 'translator'];
const SENDERS: readonly Role[] = ['admin', 'sender'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * How a route treats a key limited to markets or languages, for an object in TR/tr:
 * - filtered: always answered, showing only what is in scope (lists, template reads, creating a template)
 * - market: the market in the path; outside it the route answers 404
 * - variant: market and language in the path (or body); outside either, 404
 * - template-change: a change of the whole template needs every variant's market and language; else 403
 * - market-admin: outside the key's markets 404; a language-limited key not covering the market's languages 403
 * - key-create: a key creates keys no wider than itself; a wider one is 403
 * - key: keys (and subscriptions, which are scoped like keys) wider than the caller answer 404
 */
type ScopeRule =
  | 'filtered'
  | 'market'
  | 'variant'
  | 'template-change'
  | 'market-admin'
  | 'key-create'
  | 'key';

const ROUTES: Record<string, { roles: readonly Role[]; scope: ScopeRule }> = {
  listMarkets: { roles: ANY_ROLE, scope: 'filtered' },
  getMarket: { roles: ANY_ROLE, scope: 'market' },
  putMarket: { roles: ADMINS, scope: 'market-admin' },
  patchMarket: { roles: ADMINS, scope: 'market-admin' },
  deleteMarket: { roles: ADMINS, scope: 'market-admin' },
  localizationStatus: { roles: READERS, scope: 'filtered' },
  marketReadiness: { roles: READERS, scope: 'market' },
  submitMarketDrafts: { roles: EDITORS, scope: 'market' },
  listTemplates: { roles: READERS, scope: 'filtered' },
  createTemplate: { roles: EDITORS, scope: 'filtered' },
  getTemplate: { roles: READERS, scope: 'filtered' },
  updateTemplate: { roles: EDITORS, scope: 'template-change' },
  archiveTemplate: { roles: EDITORS, scope: 'template-change' },
  listVersions: { roles: READERS, scope: 'variant' },
  createVersion: { roles: AUTHORS, scope: 'variant' },
  getVersion: { roles: READERS, scope: 'variant' },
  updateVersion: { roles: AUTHORS, scope: 'variant' },
  deleteVersion: { roles: AUTHORS, scope: 'variant' },
  lintVersion: { roles: READERS, scope: 'variant' },
  submitVersion: { roles: EDITORS, scope: 'variant' },
  appealVersion: { roles: EDITORS, scope: 'variant' },
  listVersionEvents: { roles: READERS, scope: 'variant' },
  listTemplateEvents: { roles: READERS, scope: 'filtered' },
  exportLocalization: { roles: READERS, scope: 'variant' },
  exportLocalizationContext: { roles: READERS, scope: 'variant' },
  importLocalization: { roles: AUTHORS, scope: 'variant' },
  render: { roles: SENDERS, scope: 'variant' },
  renderBatch: { roles: SENDERS, scope: 'variant' },
  getBundle: { roles: SENDERS, scope: 'market' },
  forceSandboxDecision: { roles: ADMINS, scope: 'variant' },
  createApiKey: { roles: ADMINS, scope: 'key-create' },
  listApiKeys: { roles: ADMINS, scope: 'filtered' },
  revokeApiKey: { roles: ADMINS, scope: 'key' },
  listAudit: { roles: ADMINS, scope: 'filtered' },
  listRejections: { roles: READERS, scope: 'filtered' },
  rejectionRates: { roles: READERS, scope: 'filtered' },
  approvalTimes: { roles: READERS, scope: 'filtered' },
  costImpact: { roles: READERS, scope: 'filtered' },
  getPricing: { roles: READERS, scope: 'filtered' },
  putPricing: { roles: ADMINS, scope: 'market-admin' },
  // A subscription takes the creating key's scope (narrower on request): creating one is never out of scope.
  createSubscription: { roles: ADMINS, scope: 'filtered' },
  listSubscriptions: { roles: ADMINS, scope: 'filtered' },
  deleteSubscription: { roles: ADMINS, scope: 'key' },
  listSubscriptionDeliveries: { roles: ADMINS, scope: 'key' },
};

/** A public address never called: nothing in these tests recategorises a template. */
const SUBSCRIPTION = { url: 'https://93.184.215.14/hook', events: ['template.recategorised'] };

/** Webhooks are authenticated by the provider (signature, secret path token), never by an API key. */
const PROVIDER_PATH = /^\/v1\/webhooks\//;

/** Routes without an API key: probes, the spec and the reference page. */
const PUBLIC_PATH = /^\/(healthz|readyz|metrics|openapi\.json|docs)(\/|$)/;

interface Operation {
  method: string;
  path: string;
  operationId: string;
}

/** Every operation of the generated spec, public ones left out. */
async function specOperations(): Promise<Operation[]> {
  const spec = await vt.request('GET', '/openapi.json', { key: null });
  expect(spec.status).toBe(200);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(spec.body.paths as Record<string, Record<string, unknown>>)) {
    if (PUBLIC_PATH.test(path) || PROVIDER_PATH.test(path)) continue;
    for (const [method, op] of Object.entries(item)) {
      const operationId = (op as { operationId?: string }).operationId;
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operationId ?? `${method} ${path}`,
      });
    }
  }
  return operations;
}

async function createKey(
  role: Role,
  scope: { markets?: string[]; languages?: string[] } = {},
): Promise<{ id: string; key: string; body: TestResponse['body'] }> {
  const res = await vt.request('POST', '/v1/api-keys', { body: { name: `${role} key`, role, ...scope } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, key: res.body.key, body: res.body };
}

function expectProblem(res: TestResponse, status: number, type: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `/problems/${type}`, status });
}

/** A complete problem document: problem+json, a /problems/ type, matching status, title and a filled-in detail. */
function isProblem(res: TestResponse): boolean {
  const body = res.body;
  return (
    (res.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    typeof body === 'object' &&
    typeof body.type === 'string' &&
    body.type.startsWith('/problems/') &&
    body.status === res.status &&
    typeof body.title === 'string' &&
    body.title.length > 0 &&
    typeof body.detail === 'string' &&
    body.detail.length > 0 &&
    !body.detail.includes('{{')
  );
}

const keys = {} as Record<Role, string>;
let templateKey: string;
let draft: number;

beforeAll(async () => {
  vt = await startTestVetted();
  // A translator key always names its languages; TR/tr is what the requests below touch.
  for (const role of ROLES)
    keys[role] = (await createKey(role, role === 'translator' ? { languages: ['tr'] } : {})).key;
  templateKey = await createTemplate(vt);
  draft = await createDraft(vt, templateKey);
});
afterAll(async () => {
  await vt?.stop();
});

/** Query parameters naming the TR/tr object, for routes that take it from the query. */
const SCOPED_QUERIES: Record<string, string> = {
  exportLocalization: '?market=TR&language=tr',
  exportLocalizationContext: '?market=TR&language=tr',
  importLocalization: '?market=TR&language=tr',
};

/** Path parameters and bodies that look valid, so a refusal can only come from the role. */
function requestFor(op: Operation): { path: string; body?: unknown } {
  const params: Record<string, string> = {
    key: templateKey,
    market: 'TR',
    language: 'tr',
    n: String(draft),
    id: randomUUID(),
  };
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${op.operationId}`);
    return value;
  });
  const bodies: Record<string, unknown> = {
    putMarket: {
      name: 'Türkiye',
      status: 'active',
      languages: ['tr', 'en'],
      defaultLanguage: 'tr',
      fallbacks: { tr: ['en'] },
      timezone: 'Europe/Istanbul',
      currency: 'TRY',
      provider: { kind: 'sandbox', account: 'sandbox-tr' },
    },
    createTemplate: { key: uniqueKey(), category: 'utility', description: 'Matrix', variables: [] },
    updateTemplate: { description: 'Edited' },
    createVersion: { body: TURKISH_BODY },
    updateVersion: { body: TURKISH_BODY },
    appealVersion: {},
    importLocalization: {},
    render: {
      template: templateKey,
      market: 'TR',
      language: 'tr',
      variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs 15:00' },
    },
    renderBatch: {
      template: templateKey,
      market: 'TR',
      recipients: [
        {
          to: '905551112233',
          language: 'tr',
          variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs 15:00' },
        },
      ],
    },
    forceSandboxDecision: { providerTemplateName: `${templateKey}_tr_v999`, status: 'approved' },
    createApiKey: { name: 'matrix key', role: 'viewer' },
    createSubscription: SUBSCRIPTION,
    putPricing: {
      items: [
        {
          market: 'TR',
          category: 'utility',
          currency: 'USD',
          pricePerMessage: '0.0053',
          validFrom: '2026-01-01',
          source: 'Access matrix',
        },
      ],
    },
  };
  return op.operationId in bodies ? { path, body: bodies[op.operationId] } : { path };
}

describe('role × route matrix', () => {
  it('has an expected role set for every route of the spec, and a route for every entry', async () => {
    const operations = await specOperations();
    const ids = operations.map((op) => op.operationId);
    const missing = ids.filter((id) => !(id in ROUTES));
    expect(missing, 'routes without roles and a scope rule in ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('answers 403 problem+json exactly to the roles the contract refuses, and never 401/403 to the others', async () => {
    const operations = await specOperations();
    expect(operations.length).toBeGreaterThan(20);
    const mismatches: string[] = [];
    for (const op of operations) {
      const allowed = ROUTES[op.operationId]?.roles ?? [];
      // Refused roles first, so the allowed (possibly mutating) calls cannot change what they see.
      const ordered = [...ROLES].sort((a, b) => Number(allowed.includes(a)) - Number(allowed.includes(b)));
      for (const role of ordered) {
        const { path, body } = requestFor(op);
        const res = await vt.request(op.method, path, { key: keys[role], ...(body ? { body } : {}) });
        const label = `${role} ${op.method} ${op.path} (${op.operationId}) → ${res.status} ${JSON.stringify(res.body)}`;
        if (res.status >= 400 && !isProblem(res)) mismatches.push(`not problem+json: ${label}`);
        if (allowed.includes(role)) {
          if (res.status === 401 || res.status === 403) mismatches.push(`refused: ${label}`);
        } else if (
          res.status !== 403 ||
          !res.headers.get('content-type')?.startsWith('application/problem+json') ||
          res.body?.type !== '/problems/forbidden' ||
          res.body?.status !== 403
        ) {
          mismatches.push(`not forbidden: ${label}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('answers 401 on every route without a key or with an unknown key', async () => {
    const mismatches: string[] = [];
    for (const op of await specOperations()) {
      const { path, body } = requestFor(op);
      for (const key of [null, 'vt_live_not_a_real_key_00000000000000000']) {
        const res = await vt.request(op.method, path, { key, ...(body ? { body } : {}) });
        if (res.status !== 401 || res.body?.type !== '/problems/unauthorized' || !isProblem(res))
          mismatches.push(`${key ? 'bogus key' : 'no key'} ${op.method} ${path} → ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('checks the key before the body, so an unauthenticated request with a bad body is 401, not 422', async () => {
    const res = await vt.request('POST', '/v1/templates', { key: null, body: { key: 42 } });
    expectProblem(res, 401, 'unauthorized');
  });
});

describe('role × scope × route matrix', () => {
  /** The key scopes a user may hold, each facing objects in TR/tr. A translator always names its languages. */
  const SCOPES = {
    unscoped: {},
    'market-in': { markets: ['TR'] },
    'market-out': { markets: ['PL'] },
    'language-in': { languages: ['tr'] },
    'language-out': { languages: ['pl'] },
  } as const satisfies Record<string, { markets?: string[]; languages?: string[] }>;
  type Scope = keyof typeof SCOPES;
  const scopeOf = (role: Role, scope: Scope): { markets?: string[]; languages?: string[] } => {
    const base: { markets?: readonly string[]; languages?: readonly string[] } = SCOPES[scope];
    const languages =
      base.languages ?? (role === 'translator' ? [scope === 'market-out' ? 'pl' : 'tr'] : undefined);
    return {
      ...(base.markets ? { markets: [...base.markets] } : {}),
      ...(languages ? { languages: [...languages] } : {}),
    };
  };

  /** What a user with this scope sees, for an object in TR/tr: allowed (2xx or a non-access error), 403 or 404. */
  const EXPECTED: Record<ScopeRule, Record<Scope, 'allowed' | 403 | 404>> = {
    filtered: {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 'allowed',
      'language-in': 'allowed',
      'language-out': 'allowed',
    },
    market: {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 404,
      'language-in': 'allowed',
      'language-out': 'allowed',
    },
    variant: {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 404,
      'language-in': 'allowed',
      'language-out': 404,
    },
    'template-change': {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 403,
      'language-in': 'allowed',
      'language-out': 403,
    },
    // The market TR has the languages tr and en: a key limited to tr cannot redefine it.
    'market-admin': {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 404,
      'language-in': 403,
      'language-out': 403,
    },
    // The new key is limited to TR (and no language): only keys covering that may create it.
    'key-create': {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 403,
      'language-in': 403,
      'language-out': 403,
    },
    // The key revoked is limited to TR/tr.
    key: {
      unscoped: 'allowed',
      'market-in': 'allowed',
      'market-out': 404,
      'language-in': 'allowed',
      'language-out': 404,
    },
  };

  let approvedKey: string;
  const scopedKeys: Array<{ role: Role; scope: Scope; key: string }> = [];

  beforeAll(async () => {
    approvedKey = await createTemplate(vt);
    await submitAndWait(vt, approvedKey, await createDraft(vt, approvedKey), ['approved']);
    for (const role of ROLES) {
      for (const scope of Object.keys(SCOPES) as Scope[]) {
        if (role === 'translator' && scope === 'unscoped') continue;
        const { key } = await createKey(role, scopeOf(role, scope));
        scopedKeys.push({ role, scope, key });
      }
    }
  });

  it('refuses a translator key that names no languages with 422', async () => {
    const res = await vt.request('POST', '/v1/api-keys', {
      body: { name: 'no languages', role: 'translator' },
    });
    expectProblem(res, 422, 'validation-failed');
    expect(res.body.errors).toEqual([{ path: '/languages', message: expect.any(String) }]);
  });

  /** A subscription limited to TR/tr, for the routes that take one. */
  async function createTrSubscription(): Promise<string> {
    const res = await vt.request('POST', '/v1/subscriptions', {
      body: { ...SUBSCRIPTION, markets: ['TR'], languages: ['tr'] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  /** A fresh TR/tr object for each call, so a change made by one call never decides another's answer. */
  async function requestInScope(
    op: Operation,
  ): Promise<{ path: string; body?: unknown; headers?: Record<string, string> }> {
    const mutating =
      op.method !== 'GET' && !['render', 'renderBatch', 'forceSandboxDecision'].includes(op.operationId);
    const template = mutating ? await createTemplate(vt) : approvedKey;
    const created = mutating
      ? await vt.request('POST', versionsPath(template), { body: { body: TURKISH_BODY } })
      : undefined;
    const n = created ? String(created.body.version) : '1';
    const revocable =
      op.operationId === 'revokeApiKey'
        ? (await createKey('viewer', { markets: ['TR'], languages: ['tr'] })).id
        : ['deleteSubscription', 'listSubscriptionDeliveries'].includes(op.operationId)
          ? await createTrSubscription()
          : randomUUID();
    const params: Record<string, string> = { key: template, market: 'TR', language: 'tr', n, id: revocable };
    const path =
      op.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`) +
      (SCOPED_QUERIES[op.operationId] ?? '');
    const etag = op.path.includes('/versions/')
      ? created?.headers.get('etag')
      : (await vt.request('GET', `/v1/templates/${template}`)).headers.get('etag');
    const headers: Record<string, string> = etag ? { 'if-match': etag } : {};
    const bodies: Record<string, unknown> = {
      updateTemplate: { variables: LESSON_VARIABLES },
      createApiKey: { name: 'matrix key', role: 'viewer', markets: ['TR'] },
      render: { ...(requestFor(op).body as object), template: approvedKey },
      renderBatch: { ...(requestFor(op).body as object), template: approvedKey },
      forceSandboxDecision: { providerTemplateName: `${approvedKey}_tr_v1`, status: 'approved' },
      putMarket: requestFor(op).body,
    };
    const body = op.operationId in bodies ? bodies[op.operationId] : requestFor(op).body;
    return { path, headers, ...(body !== undefined ? { body } : {}) };
  }

  it('answers each role and scope as the contract says, for every route of the spec', async () => {
    const mismatches: string[] = [];
    for (const op of await specOperations()) {
      const route = ROUTES[op.operationId];
      if (!route) {
        mismatches.push(`no scope rule: ${op.operationId}`);
        continue;
      }
      for (const { role, scope, key } of scopedKeys) {
        const allowed = route.roles.includes(role);
        const expected = allowed ? EXPECTED[route.scope][scope] : 403;
        // The role is checked first: a refused role needs no object of its own.
        const { path, body, headers } = allowed
          ? await requestInScope(op)
          : { ...requestFor(op), headers: {} };
        const res = await vt.request(op.method, path, {
          key,
          headers,
          ...(body !== undefined ? { body } : {}),
        });
        const label = `${role}/${scope} ${op.method} ${op.path} (${op.operationId}) → ${res.status} ${String(JSON.stringify(res.body)).slice(0, 300)}`;
        if (res.status >= 400 && !isProblem(res)) mismatches.push(`not problem+json: ${label}`);
        // A batch answers 200 and gives each recipient its own status.
        const status =
          op.operationId === 'renderBatch' && res.status === 200 ? res.body.items?.[0]?.status : res.status;
        const ok =
          expected === 'allowed' ? ![401, 403, 404].includes(status) && status < 500 : status === expected;
        if (!ok) mismatches.push(`expected ${expected}: ${label}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);
});

describe('authentication', () => {
  it('refuses a request without a key with 401 problem+json', async () => {
    expectProblem(await vt.request('GET', '/v1/markets', { key: null }), 401, 'unauthorized');
  });

  it('refuses a bogus key, a key without the Bearer scheme and an empty bearer with 401', async () => {
    expectProblem(await vt.request('GET', '/v1/markets', { key: 'vt_live_bogus' }), 401, 'unauthorized');
    const basic = await vt.request('GET', '/v1/markets', {
      key: null,
      headers: { authorization: `Basic ${keys.viewer}` },
    });
    expectProblem(basic, 401, 'unauthorized');
    const empty = await vt.request('GET', '/v1/markets', {
      key: null,
      headers: { authorization: 'Bearer ' },
    });
    expectProblem(empty, 401, 'unauthorized');
  });

  it('stops accepting a revoked key at once', async () => {
    const { id, key } = await createKey('viewer');
    expect((await vt.request('GET', '/v1/markets', { key })).status).toBe(200);
    const revoke = await vt.request('DELETE', `/v1/api-keys/${id}`);
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(204);
    expectProblem(await vt.request('GET', '/v1/markets', { key }), 401, 'unauthorized');
    expectProblem(await vt.request('GET', `/v1/templates/${templateKey}`, { key }), 401, 'unauthorized');
  });

  it('answers 404 when revoking an unknown or already revoked key', async () => {
    const { id } = await createKey('viewer');
    expect((await vt.request('DELETE', `/v1/api-keys/${id}`)).status).toBe(204);
    expectProblem(await vt.request('DELETE', `/v1/api-keys/${id}`), 404, 'not-found');
    const unknown = await vt.request('DELETE', `/v1/api-keys/${randomUUID()}`);
    expectProblem(unknown, 404, 'not-found');
    expect(isProblem(unknown), unknown.body.detail).toBe(true);
  });
});

describe('keys limited to markets and languages', () => {
  it('hides versions of a market outside the key with 404, not 403', async () => {
    const { key } = await createKey('viewer', { markets: ['PL'] });
    for (const path of [
      versionsPath(templateKey),
      `${versionsPath(templateKey)}/${draft}`,
      `${versionsPath(templateKey)}/${draft}/lint`,
      `${versionsPath(templateKey)}/${draft}/events`,
    ]) {
      const res = await vt.request('GET', path, { key });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers unknown-market for a market outside the key and lists only the key’s markets', async () => {
    const { key } = await createKey('viewer', { markets: ['PL'] });
    expectProblem(await vt.request('GET', '/v1/markets/TR', { key }), 404, 'unknown-market');
    const pl = await vt.request('GET', '/v1/markets/PL', { key });
    expect(pl.status).toBe(200);
    const list = await vt.request('GET', '/v1/markets', { key });
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { code: string }) => m.code)).toEqual(['PL']);
  });

  it('refuses a draft in a language outside the key with 404 and creates none', async () => {
    const { id, key } = await createKey('translator', { languages: ['pl'] });
    const res = await vt.request('POST', versionsPath(templateKey), { key, body: { body: TURKISH_BODY } });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const list = await vt.request('GET', versionsPath(templateKey));
    expect(list.body.items.every((v: { createdBy: string | null }) => v.createdBy !== id)).toBe(true);
  });

  it('lets a translator create a draft in its own language', async () => {
    const { key } = await createKey('translator', { languages: ['pl'] });
    const res = await vt.request('POST', versionsPath(templateKey, 'PL', 'pl'), {
      key,
      body: { body: 'Cześć {{student_name}}, lekcja przeniesiona na {{lesson_at}}.' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('leaves variants outside the key out of the template’s variant matrix and history', async () => {
    const key = await createTemplate(vt);
    const n = await createDraft(vt, key);
    const submit = await vt.request('POST', `${versionsPath(key)}/${n}/submit`);
    expect(submit.status, JSON.stringify(submit.body)).toBe(202);
    const { key: plKey } = await createKey('viewer', { markets: ['PL'] });
    const template = await vt.request('GET', `/v1/templates/${key}`, { key: plKey });
    expect(template.status).toBe(200);
    expect(template.body.variants.filter((v: { market: string }) => v.market !== 'PL')).toEqual([]);
    const events = await vt.request('GET', `/v1/templates/${key}/events`, { key: plKey });
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual([]);
    const all = await vt.request('GET', `/v1/templates/${key}/events`);
    expect(all.body.items.length).toBeGreaterThan(0);
  });

  it('does not tell a sender the status of a language outside its key', async () => {
    const key = await createTemplate(vt);
    await createDraft(vt, key);
    const { key: enSender } = await createKey('sender', { languages: ['en'] });
    const res = await vt.request('POST', '/v1/render', {
      key: enSender,
      body: { template: key, market: 'TR', language: 'tr', variables: {}, allowFallback: true },
    });
    expectProblem(res, 404, 'no-approved-variant');
    expect(res.body.variants).toEqual([{ language: 'en', status: 'missing', newestVersion: null }]);
  });

  it('does not render a market outside the key', async () => {
    const { key } = await createKey('sender', { markets: ['PL'] });
    const res = await vt.request('POST', '/v1/render', {
      key,
      body: { template: templateKey, market: 'TR', language: 'tr', variables: {} },
    });
    expectProblem(res, 404, 'unknown-market');
  });
});

describe('API keys', () => {
  it('creates a key with the vt_live_ prefix and at least 128 bits of randomness', async () => {
    const first = await createKey('viewer');
    const second = await createKey('viewer');
    for (const { key, body } of [first, second]) {
      expect(key.startsWith('vt_live_')).toBe(true);
      const random = key.slice('vt_live_'.length);
      // base64url carries 6 bits a character: 22 characters hold 132 bits.
      expect(random).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(random.length).toBeGreaterThanOrEqual(22);
      expect(key.startsWith(body.prefix)).toBe(true);
      expect(body.prefix.length).toBeLessThan(key.length);
    }
    expect(first.key).not.toBe(second.key);
  });

  it('stores only the SHA-256 of a key, never the key itself', async () => {
    const { id, key } = await createKey('editor');
    const rows = await vt.deps.database.db.select().from(apiKeys);
    const row = rows.find((r) => r.id === id);
    expect(row).toBeDefined();
    expect(row?.hash).toBe(createHash('sha256').update(key).digest('hex'));
    for (const r of rows) {
      for (const value of Object.values(r)) expect(JSON.stringify(value) ?? '').not.toContain(key);
    }
    // Nor any long piece of it beyond the readable prefix.
    const secret = key.slice('vt_live_'.length + 6);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('never returns the key when listing keys', async () => {
    const { key } = await createKey('sender');
    const list = await vt.request('GET', '/v1/api-keys?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item).not.toHaveProperty('key');
    expect(JSON.stringify(list.body)).not.toContain(key);
    for (const role of ROLES) expect(JSON.stringify(list.body)).not.toContain(keys[role]);
    // The configured bootstrap key shows no more than its first four characters.
    const bootstrap = list.body.items.find((item: { name: string }) => item.name.includes('ADMIN_API_KEY'));
    expect(bootstrap.prefix).toBe(`${ADMIN_KEY.slice(0, 4)}…`);
    expect(JSON.stringify(list.body)).not.toContain(ADMIN_KEY.slice(8, 20));
  });

  it('answers 201 with a Location header at creation', async () => {
    const res = await vt.request('POST', '/v1/api-keys', { body: { name: 'located', role: 'viewer' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/api-keys/${res.body.id}`);
  });
});
