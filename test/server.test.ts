import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
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

describe('start-up on a busy port', () => {
  it('is one line naming the port, exit code 1, and creates no admin key it never showed', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'vetted-busy-')), 'data');
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const blocked = startServer({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
      children.push(blocked.child);
      expect(await blocked.exited).toBe(1);
      expect(blocked.output().trim()).toBe(
        `Vetted cannot listen on 127.0.0.1:${port}: the port is already in use.`,
      );
    } finally {
      squatter.close();
    }
    // The key is made once the server listens, so the next start is still the first one.
    const next = startServer({ DATA_DIR: dataDir, PORT: '0' });
    children.push(next.child);
    await until(() => next.output().includes('vt_live_'), 60_000);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 120_000);
});

describe('server timeouts', () => {
  /** Opens a connection, sends `head`, then one byte of `trickle` every 200 ms; resolves when the server hangs up. */
  async function trickle(port: number, head: string, drip: string): Promise<{ ms: number; reply: string }> {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let reply = '';
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
    });
    socket.on('error', () => {});
    socket.write(head);
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(drip);
    }, 200);
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(timer);
    return { ms: Date.now() - started, reply };
  }

  // Node's own defaults would hold these connections 60 s (headers) and 300 s (request); the bounds leave room for a loaded machine.
  it('cuts off a client trickling its headers or its body', async () => {
    const run = startServer({
      DATA_DIR: join(mkdtempSync(join(tmpdir(), 'vetted-slow-')), 'data'),
      PORT: '0',
      ADMIN_API_KEY: 'vt_live_slow_client_admin_key_000000000',
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
    });
    children.push(run.child);
    await until(() => /"port":\d+/.test(run.output()), 60_000);
    const port = Number(/"port":(\d+)/.exec(run.output())?.[1]);

    const headers = await trickle(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X');
    expect(headers.ms).toBeGreaterThanOrEqual(900);
    expect(headers.ms).toBeLessThan(10_000);
    expect(headers.reply).toContain('408');

    const body = await trickle(
      port,
      'POST /v1/render HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer vt_live_slow_client_admin_key_000000000\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      ' ',
    );
    expect(body.ms).toBeGreaterThanOrEqual(1900);
    expect(body.ms).toBeLessThan(12_000);

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 120_000);
});
