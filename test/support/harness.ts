import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../db/database.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppDeps, Clock } from '../../src/context.ts';
import { startVetted } from '../../src/vetted.ts';
import { responseSchemasOf } from './response-schema.ts';

export const ADMIN_KEY = 'vt_live_test_admin_key_0000000000000000';
export const dbKind = process.env.TEST_DB_KIND === 'postgres' ? 'postgres' : 'pglite';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A migrated database of the test file's own: a PGlite cloned from the snapshot, or a PostgreSQL database from the template. */
export async function openTestDatabase(): Promise<{ database: Database; dispose(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (dbKind === 'postgres' && url) {
    const name = `vetted_t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')}`);
    const database = openPostgres(withDatabase(url, name), { max: 30 });
    return {
      database,
      async dispose() {
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const snapshot = await readFile(inject('pgliteSnapshot'));
  const database = await openPglite({ loadDataDir: new Blob([new Uint8Array(snapshot)]) });
  return { database, dispose: () => database.close() };
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
  body: any;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestVetted {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  stop(): Promise<void>;
}

export async function startTestVetted(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    workers?: boolean;
    sameDatabaseAs?: TestVetted;
    /** A database the test opened and closes itself: an instance stopped and another started on it is a restart. */
    database?: Database;
  } = {},
): Promise<TestVetted> {
  const shared = options.sameDatabaseAs?.deps.database;
  // A second instance on the same PostgreSQL database, as a second server process would be.
  const { database, dispose } = options.database
    ? { database: options.database, dispose: async () => {} }
    : shared?.kind === 'postgres'
      ? (() => {
          const second = openPostgres(shared.url, { max: 10 });
          return { database: second, dispose: () => second.close() };
        })()
      : await openTestDatabase();
  const config = loadConfig({
    ADMIN_API_KEY: ADMIN_KEY,
    SANDBOX_REVIEW_DELAY_MS: '0',
    JOB_POLL_INTERVAL_MS: '500',
    LOG_LEVEL: 'silent',
    // Tests drive one admin key hard; test/http/rate-limit.test.ts sets its own limits.
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1000000',
    ...options.env,
  });
  const vetted = await startVetted(config, {
    database,
    log: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  const app = createApp(vetted.deps);
  return {
    deps: vetted.deps,
    app,
    async request(method, path, { key = ADMIN_KEY, body, rawBody, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      const h = init.headers as Record<string, string>;
      if (key) h.authorization = `Bearer ${key}`;
      if (body !== undefined || rawBody !== undefined) {
        h['content-type'] ??= 'application/json';
        init.body = rawBody ?? JSON.stringify(body);
      }
      const response = await app.request(path, init);
      const text = await response.text();
      // Every answer a test receives is one the OpenAPI document allows, so drift fails a test.
      (await responseSchemasOf(app)).check(method, path, {
        status: response.status,
        headers: response.headers,
        text,
      });
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async stop() {
      await vetted.stop();
      await dispose();
    },
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let counter = 0;
/** A template key of the test's own, so tests never share data. */
export function uniqueKey(prefix = 'tpl'): string {
  counter += 1;
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 8)}_${counter}`;
}

/**
 * One instance for the test file: started before its tests, stopped after them. The handle
 * forwards to the running instance, so test files keep a plain `vt`.
 */
export function useTestVetted(options: Parameters<typeof startTestVetted>[0] = {}): TestVetted {
  let instance: TestVetted | undefined;
  beforeAll(async () => {
    instance = await startTestVetted(options);
  });
  afterAll(async () => {
    await instance?.stop();
  });
  const running = (): TestVetted => {
    if (!instance) throw new Error('the test instance is not running (use it inside tests or hooks)');
    return instance;
  };
  return {
    get deps() {
      return running().deps;
    },
    get app() {
      return running().app;
    },
    request: (method, path, requestOptions) => running().request(method, path, requestOptions),
    stop: () => running().stop(),
  };
}
