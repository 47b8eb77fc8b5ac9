import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openPglite } from '../../db/database.ts';

const SERVER = new URL('../../src/server.ts', import.meta.url).pathname;

export interface ServerProcess {
  readonly base: string;
  readonly pid: number;
  /** Kills the process with SIGKILL (no drain, no cleanup) and waits until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: drains and closes the database cleanly. */
  stop(): Promise<number | null>;
}

/**
 * The real server (`src/server.ts`) as a child process, as `npm start` runs it; resolves once it
 * listens. Its output is appended to `log`, so a failing run can show what the server said.
 */
export async function startServerProcess(
  env: Record<string, string>,
  log: string[],
  timeoutMs = 60_000,
  args: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.push(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let port: number | undefined;
  while (port === undefined) {
    const found = /"port":(\d+)/.exec(output)?.[1];
    if (found) port = Number(found);
    else if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited at start:\n${output.slice(-4000)}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not listen within ${timeoutMs} ms:\n${output.slice(-4000)}`);
    } else await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** JSON calls to a server process with `key`; `server` is read at each call, so it may be restarted. */
export function apiClient(server: () => ServerProcess, key: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${server().base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The server adopts ADMIN_API_KEY just after it starts listening: resolves once the key works. */
export async function whenKeyWorks(server: ServerProcess, key: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${server.base}/v1/markets`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error('the admin key was never accepted');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A database of the test's own for server processes, empty as a new installation's: a PGlite data
 * directory, or a PostgreSQL database when the tests run on PostgreSQL. `env` points a server at it.
 */
export async function serverDatabase(kind: 'pglite' | 'postgres'): Promise<{
  env: Record<string, string>;
  database: { dataDir?: string; url?: string };
  drop(): Promise<void>;
}> {
  if (kind === 'postgres') {
    const created = await createEmptyDatabase(process.env.TEST_DATABASE_URL as string);
    return { env: { DATABASE_URL: created.url }, database: { url: created.url }, drop: () => created.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vetted-process-'));
  const dataDir = join(dir, 'data');
  return {
    env: { DATA_DIR: dataDir },
    database: { dataDir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * An empty PostgreSQL database of the test's own: the server migrates it at its first start, as
 * a new installation would.
 */
export async function createEmptyDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vetted_chaos_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  return {
    url: withDatabase(url, name),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A small seeded generator (mulberry32), so a failing run can be replayed with its CHAOS_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Reads pg-boss's job table once the server has stopped: how each job of ours ended. */
export async function jobStates(database: {
  dataDir?: string;
  url?: string;
}): Promise<Record<string, number>> {
  const query = `select name || ':' || state as k, count(*)::int as n from pgboss.job
    where name in ('submit-version', 'sandbox-review') group by 1`;
  let rows: Array<{ k: string; n: number }>;
  if (database.url) {
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    rows = (await sql.unsafe(query)) as unknown as typeof rows;
    await sql.end();
  } else {
    const db = await openPglite({ dataDir: database.dataDir as string });
    rows = (await db.pglite.query<{ k: string; n: number }>(query)).rows;
    await db.close();
  }
  return Object.fromEntries(rows.map((row) => [row.k, row.n]));
}
