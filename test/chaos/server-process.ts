import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';

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
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
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
