import { afterAll, describe, expect, it } from 'vitest';
import { FakeMetaServer, postWebhook } from '../fakes/meta-server.ts';
import { maltaMarket } from '../support/fixtures.ts';
import { dbKind, uniqueKey, waitFor } from '../support/harness.ts';
import { apiClient, serverDatabase, startServerProcess, whenKeyWorks } from './server-process.ts';

const SECRETS = {
  ADMIN_API_KEY: 'vt_live_secret_admin_key_0000000000000',
  META_ACCESS_TOKEN: FakeMetaServer.TOKEN,
  META_APP_SECRET: 'secret-meta-app-secret-4711',
  META_VERIFY_TOKEN: 'secret-meta-verify-token-4711',
  GUPSHUP_APP_TOKEN: 'secret-gupshup-app-token-4711',
  GUPSHUP_WEBHOOK_TOKEN: 'secret-gupshup-webhook-token-4711',
};
const WABA = '717171717171';

/**
 * reliability.md: provider secrets and API keys are never written to logs. A whole run at the most
 * talkative level (every request logged, failures included) through the flows that handle each
 * secret, then its entire output is searched for them.
 */
describe(`no secret in the logs (${dbKind})`, () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('logs none of the configured secrets, a created key or a webhook token over a full run', async () => {
    const meta = await new FakeMetaServer().start();
    cleanups.push(() => meta.stop());
    const { env, drop } = await serverDatabase(dbKind);
    cleanups.push(drop);
    const log: string[] = [];
    const server = await startServerProcess(
      { ...env, ...SECRETS, LOG_LEVEL: 'trace', META_GRAPH_URL: meta.url, GUPSHUP_APP_ID: 'secret-app' },
      log,
      180_000,
    );
    cleanups.push(() => server.kill());
    await whenKeyWorks(server, SECRETS.ADMIN_API_KEY);
    const admin = apiClient(() => server, SECRETS.ADMIN_API_KEY);

    const created = await admin('POST', '/v1/api-keys', { name: 'a sender', role: 'sender' });
    expect(created.status).toBe(201);
    const senderKey: string = created.body.key;
    const sender = apiClient(() => server, senderKey);
    expect((await sender('GET', '/v1/bundles/TR')).status).toBe(200);
    // Refused keys, including one that is almost right.
    expect((await apiClient(() => server, `${senderKey}x`)('GET', '/v1/bundles/TR')).status).toBe(401);

    expect((await admin('PUT', '/v1/markets/MT', maltaMarket({ kind: 'meta', account: WABA }))).status).toBe(
      201,
    );
    const key = uniqueKey('secret');
    const variables = [{ name: 'customer_name', type: 'text', example: 'Anna' }];
    expect((await admin('POST', '/v1/templates', { key, category: 'utility', variables })).status).toBe(201);
    const versions = `/v1/templates/${key}/variants/MT/en/versions`;
    expect(
      (
        await admin('POST', versions, {
          body: 'Hello {{customer_name}}, your order has shipped and is on its way.',
        })
      ).status,
    ).toBe(201);
    // One refused call first (Meta's own error, logged as a provider failure), then the create.
    meta.script({ kind: 'fail', status: 500, code: 2, message: 'temporary' });
    expect((await admin('POST', `${versions}/1/submit`)).status).toBe(202);
    await waitFor(async () => (await admin('GET', `${versions}/1`)).body.status === 'pending', 60_000);
    const template = meta.find(`${key}_mt_v1`, 'en', WABA);
    if (!template) throw new Error('not created at Meta');
    expect(
      (
        await postWebhook(
          `${server.base}/v1/webhooks/meta`,
          meta.statusWebhook(template.id, 'APPROVED'),
          SECRETS.META_APP_SECRET,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await postWebhook(
          `${server.base}/v1/webhooks/meta`,
          meta.statusWebhook(template.id, 'PAUSED'),
          'a wrong secret',
        )
      ).status,
    ).toBe(401);
    const handshake = await fetch(
      `${server.base}/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=${SECRETS.META_VERIFY_TOKEN}&hub.challenge=42`,
    );
    expect(await handshake.text()).toBe('42');
    for (const token of [SECRETS.GUPSHUP_WEBHOOK_TOKEN, `${SECRETS.GUPSHUP_WEBHOOK_TOKEN}-wrong`]) {
      await fetch(`${server.base}/v1/webhooks/gupshup/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          app: 'secret-app',
          type: 'template-event',
          payload: { id: 'x', status: 'approved' },
        }),
      });
    }
    expect(
      (await sender('POST', '/v1/render', { template: key, market: 'MT', variables: { customer_name: 'A' } }))
        .status,
    ).toBe(200);
    expect((await admin('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect(await server.stop()).toBe(0);

    const output = log.join('');
    expect(output).toContain('"msg":"request"');
    for (const [name, secret] of Object.entries({ ...SECRETS, createdKey: senderKey }))
      expect(output.includes(secret), `${name} appears in the log`).toBe(false);
  }, 600_000);
});
