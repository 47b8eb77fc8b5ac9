import { expect } from 'vitest';
import { type TestVetted, uniqueKey, waitFor } from './harness.ts';

export const LESSON_VARIABLES = [
  { name: 'student_name', type: 'text', example: 'Anna', description: 'First name of the student' },
  { name: 'lesson_at', type: 'text', example: '12 May, 15:00' },
];

export const TURKISH_BODY =
  'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı. Görüşmek üzere.';

export async function createTemplate(
  vt: TestVetted,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const key = (overrides.key as string | undefined) ?? uniqueKey();
  const res = await vt.request('POST', '/v1/templates', {
    body: {
      key,
      category: 'utility',
      description: 'Lesson moved',
      variables: LESSON_VARIABLES,
      ...overrides,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return key;
}

/** An active English-only market (Malta) on a provider account: the market of the provider tests. */
export const maltaMarket = (provider: { kind: string; account: string }) => ({
  name: 'Malta',
  status: 'active',
  languages: ['en'],
  defaultLanguage: 'en',
  timezone: 'Europe/Malta',
  currency: 'EUR',
  provider,
});

export const versionsPath = (key: string, market = 'TR', language = 'tr') =>
  `/v1/templates/${key}/variants/${market}/${language}/versions`;

export async function createDraft(
  vt: TestVetted,
  key: string,
  content: Record<string, unknown> = { body: TURKISH_BODY },
  market = 'TR',
  language = 'tr',
): Promise<number> {
  const res = await vt.request('POST', versionsPath(key, market, language), { body: content });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.version as number;
}

export async function getStatus(
  vt: TestVetted,
  key: string,
  n: number,
  market = 'TR',
  language = 'tr',
): Promise<string> {
  const res = await vt.request('GET', `${versionsPath(key, market, language)}/${n}`);
  return res.body.status as string;
}

/** Submits and waits until the provider's decision (or any of `statuses`) is recorded. */
export async function submitAndWait(
  vt: TestVetted,
  key: string,
  n: number,
  statuses: string[] = ['approved', 'rejected'],
  market = 'TR',
  language = 'tr',
): Promise<string> {
  const res = await vt.request('POST', `${versionsPath(key, market, language)}/${n}/submit`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitFor(async () => {
    const status = await getStatus(vt, key, n, market, language);
    return statuses.includes(status) ? status : undefined;
  });
}

export async function decide(
  vt: TestVetted,
  key: string,
  n: number,
  status: string,
  market = 'TR',
  reason?: string,
) {
  const res = await vt.request('POST', '/v1/sandbox/decisions', {
    body: {
      providerTemplateName: `${key}_${market.toLowerCase()}_v${n}`,
      status,
      ...(reason ? { reason } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export function render(vt: TestVetted, key: string, extra: Record<string, unknown> = {}, apiKey?: string) {
  return vt.request('POST', '/v1/render', {
    ...(apiKey ? { key: apiKey } : {}),
    body: {
      template: key,
      market: 'TR',
      language: 'tr',
      variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs 15:00' },
      ...extra,
    },
  });
}

/** Binds a market to a provider account: PUT takes back what GET returned, with the provider changed. */
export async function bindMarket(
  vt: TestVetted,
  market: string,
  provider: { kind: string; account: string },
) {
  const current = await vt.request('GET', `/v1/markets/${market}`);
  return vt.request('PUT', `/v1/markets/${market}`, { body: { ...current.body, provider } });
}
