import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER = new URL('../src/server.ts', import.meta.url).pathname;

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('npm start on an embedded database', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'vetted-start-')), 'data');

  it('prints an admin key once, refuses a second process on the same data directory and stops cleanly on SIGTERM', async () => {
    const first = startServer({ DATA_DIR: dataDir, PORT: '0' });
    children.push(first.child);
    await until(() => /"port":\d+/.test(first.output()) && first.output().includes('vt_live_'), 90_000);
    const port = Number(/"port":(\d+)/.exec(first.output())?.[1]);
    const key = /(vt_live_[A-Za-z0-9_-]+)/.exec(first.output())?.[1];
    expect(key).toBeDefined();

    const markets = await fetch(`http://127.0.0.1:${port}/v1/markets`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(markets.status).toBe(200);
    const body = (await markets.json()) as { items: Array<{ code: string; status: string }> };
    expect(body.items.filter((m) => m.status === 'active').map((m) => m.code)).toEqual(['PL', 'RU', 'TR']);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const second = startServer({ DATA_DIR: dataDir, PORT: '0' });
    children.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('is in use by process');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped');
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const again = startServer({ DATA_DIR: dataDir, PORT: '0' });
    children.push(again.child);
    await until(() => /"port":\d+/.test(again.output()), 60_000);
    expect(again.output()).not.toContain('vt_live_');
    const port2 = Number(/"port":(\d+)/.exec(again.output())?.[1]);
    const stillValid = await fetch(`http://127.0.0.1:${port2}/v1/markets`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(stillValid.status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 180_000);

  it('stops at start-up with a message naming a wrong variable', async () => {
    const run = startServer({ DATA_DIR: dataDir, PORT: 'not-a-port', SANDBOX_REVIEW_DELAY_MS: '-5' });
    children.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PORT');
    expect(run.output()).toContain('SANDBOX_REVIEW_DELAY_MS');
    expect(run.output()).not.toMatch(/\n\s+at /);
  });
});
