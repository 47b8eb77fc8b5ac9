import { afterAll, describe, expect, it } from 'vitest';
import { dbKind, uniqueKey } from '../support/harness.ts';
import { apiClient, serverDatabase, startServerProcess, whenKeyWorks } from './server-process.ts';

const ADMIN = 'vt_live_commits_admin_key_0000000000000';
const KILLS = 3;
const WRITERS = 4;
const START_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * reliability.md, embedded database: three SIGKILLs during writes lose no acknowledged commit.
 * Writers create templates as fast as the server answers; each kill lands mid-stream. Every
 * template whose creation was answered 201 must be there after the restarts.
 */
describe.skipIf(dbKind !== 'pglite')('SIGKILL during writes on PGlite', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`loses no acknowledged commit over ${KILLS} kills`, async () => {
    const { env, drop } = await serverDatabase('pglite');
    cleanups.push(drop);
    const log: string[] = [];
    const start = async () => {
      // The writers and the final read of every acknowledged key go faster than a key's default limit.
      const settings = { ...env, ADMIN_API_KEY: ADMIN, RATE_LIMIT_PER_SECOND: '1000000' };
      const started = await startServerProcess(settings, log, START_MS);
      await whenKeyWorks(started, ADMIN);
      return started;
    };
    let server = await start();
    cleanups.push(() => server.kill());
    const call = apiClient(() => server, ADMIN);
    const acknowledged: string[] = [];
    let attempted = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      let writing = true;
      const writers = Array.from({ length: WRITERS }, async () => {
        while (writing) {
          const key = uniqueKey('commit');
          attempted += 1;
          // A write cut off by the kill has no answer: it may or may not have committed.
          const created = await call('POST', '/v1/templates', {
            key,
            category: 'utility',
            variables: [],
          }).catch(() => undefined);
          if (created?.status === 201) acknowledged.push(key);
        }
      });
      const before = acknowledged.length;
      while (acknowledged.length < before + 20) await sleep(20);
      await server.kill();
      writing = false;
      await Promise.all(writers);
      server = await start();
    }

    expect(acknowledged.length).toBeGreaterThanOrEqual(KILLS * 20);
    const missing: string[] = [];
    for (const key of acknowledged) {
      const found = await call('GET', `/v1/templates/${key}`);
      if (found.status !== 200) missing.push(`${key}: ${found.status}`);
    }
    expect(missing, `${acknowledged.length} acknowledged of ${attempted} attempted`).toEqual([]);
    expect(await server.stop()).toBe(0);
  }, 900_000);
});
