import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { markets } from '../../db/schema/index.ts';
import { serviceContext } from '../../src/context.ts';
import { misconfiguredMarkets } from '../../src/modules/markets/markets.service.ts';
import { bindMarket, createDraft, createTemplate, getStatus, versionsPath } from '../support/fixtures.ts';
import { useTestVetted, waitFor } from '../support/harness.ts';

// No provider settings at all: only the sandbox can be used.
const vt = useTestVetted();

const POLISH = { body: 'Dzień dobry {{student_name}}, lekcja została przeniesiona na {{lesson_at}}.' };

describe('a market bound to a provider whose settings are gone', () => {
  it('is named with what to set, and its submissions end in submit_failed instead of waiting in queued', async () => {
    // Bound while the settings were there; this start has none.
    await vt.deps.database.db
      .update(markets)
      .set({ providerKind: 'meta', providerAccount: '102938475610' })
      .where(eq(markets.code, 'PL'));
    const named = await misconfiguredMarkets(serviceContext(vt.deps));
    expect(named).toContainEqual({
      market: 'PL',
      provider: 'meta',
      account: '102938475610',
      missing: ['META_ACCESS_TOKEN', 'META_APP_SECRET', 'META_VERIFY_TOKEN'],
    });

    const key = await createTemplate(vt);
    const n = await createDraft(vt, key, POLISH, 'PL', 'pl');
    expect((await vt.request('POST', `${versionsPath(key, 'PL', 'pl')}/${n}/submit`)).status).toBe(202);
    await waitFor(async () => (await getStatus(vt, key, n, 'PL', 'pl')) === 'submit_failed');
    const history = (await vt.request('GET', `${versionsPath(key, 'PL', 'pl')}/${n}/events`)).body.items;
    expect(history.at(-1)).toMatchObject({
      toStatus: 'submit_failed',
      reasonText: expect.stringContaining('META_ACCESS_TOKEN'),
    });
  });

  it('refuses binding a Gupshup account without its settings, naming them', async () => {
    const res = await bindMarket(vt, 'RU', { kind: 'gupshup', account: 'app-1' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/provider',
        message: expect.stringMatching(/GUPSHUP_APP_ID, GUPSHUP_APP_TOKEN, GUPSHUP_WEBHOOK_TOKEN/),
      }),
    ]);
    expect((await vt.request('GET', '/v1/markets/RU')).body.provider.kind).toBe('sandbox');
  });
});
