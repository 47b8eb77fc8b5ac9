import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * `npm run bench`: the render path against a bare Hono route, in one run, alternating rounds.
 * Servers are pinned to core 0 and this load generator to core 1 when taskset exists; the figures
 * that matter are the ratios, since these machines are shared and noisy. Next to req/s it reports
 * each server's CPU time per request (from /proc), which another process's load moves far less.
 *
 * BENCH_ONLY=render,batch,bundle runs only those scenarios (the bare route always runs);
 * BENCH_PROFILE=<dir> starts Vetted with `--cpu-prof` into that directory (summarise it with
 * bench/profile-summary.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ONLY = process.env.BENCH_ONLY?.split(',') as ScenarioId[] | undefined;
const PROFILE_DIR = process.env.BENCH_PROFILE;
const CONNECTIONS = 50;
const ADMIN = 'vt_live_bench_admin_key_000000000000000';
const root = new URL('..', import.meta.url).pathname;
const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
if (pinned) spawnSync('taskset', ['-cp', '1', String(process.pid)]);

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const command = pinned ? 'taskset' : process.execPath;
  const argv = pinned ? ['-c', '0', process.execPath, ...args] : args;
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"port":(\d+)|listening (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1] ?? match[2]) });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function api(port: number, method: string, path: string, body?: unknown, key = ADMIN) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

type ScenarioId = 'bare' | 'render' | 'batch' | 'bundle';

interface Scenario {
  id: ScenarioId;
  name: string;
  pid: number | undefined;
  port: number;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  perRequest?: number;
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per request, in microseconds. */
  cpuUs: number | null;
}

/** A process's CPU time so far in microseconds, or null where /proc is missing. */
function cpuMicros(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

async function round(s: Scenario, seconds: number): Promise<Round> {
  const cpuBefore = cpuMicros(s.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${s.port}${s.path}`,
    method: s.method,
    headers: s.headers,
    ...(s.body ? { body: s.body } : {}),
    connections: s.perRequest ? 10 : CONNECTIONS,
    pipelining: 1,
    duration: seconds,
  });
  if (result.non2xx > 0 && s.id !== 'bundle') throw new Error(`${s.name}: ${result.non2xx} non-2xx answers`);
  const cpuAfter = cpuMicros(s.pid);
  const cpuUs =
    cpuBefore === null || cpuAfter === null || !result.requests.total
      ? null
      : Math.round((cpuAfter - cpuBefore) / result.requests.total);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const children: ChildProcess[] = [];
try {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'vetted-bench-')), 'data');
  const profileArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const vetted = await start([...profileArgs, 'src/server.ts'], {
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: ADMIN,
    LOG_LEVEL: 'info',
    SANDBOX_REVIEW_DELAY_MS: '0',
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  });
  children.push(vetted.child);
  const bare = await start(['bench/bare-server.ts', '0'], {});
  children.push(bare.child);

  const key = `bench_${Date.now()}`;
  await api(vetted.port, 'POST', '/v1/templates', {
    key,
    category: 'utility',
    description: 'Benchmark',
    variables: [
      { name: 'student_name', type: 'text', example: 'Ayşe' },
      { name: 'lesson_at', type: 'text', example: '12 Mayıs 15:00' },
    ],
  });
  const versions = `/v1/templates/${key}/variants/TR/tr/versions`;
  await api(vetted.port, 'POST', versions, {
    body: 'Merhaba {{student_name}}, dersiniz {{lesson_at}} tarihine taşındı. Görüşmek üzere, iyi dersler dileriz.',
  });
  await api(vetted.port, 'POST', `${versions}/1/submit`);
  for (let i = 0; ; i++) {
    if ((await api(vetted.port, 'GET', `${versions}/1`)).status === 'approved') break;
    if (i > 100) throw new Error('the benchmark template was not approved');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Far above what one core serves: the limiter still counts every request, it just never refuses.
  const sender = (
    await api(vetted.port, 'POST', '/v1/api-keys', {
      name: 'bench sender',
      role: 'sender',
      rateLimitPerSecond: 100_000,
    })
  ).key as string;
  const auth = { authorization: `Bearer ${sender}`, 'content-type': 'application/json' };
  const renderBody = JSON.stringify({
    template: key,
    market: 'TR',
    language: 'tr',
    to: '905551112233',
    variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs 15:00' },
  });
  const batchSize = 1000;
  const batchBody = JSON.stringify({
    template: key,
    market: 'TR',
    recipients: Array.from({ length: batchSize }, (_, i) => ({
      to: `9055${String(i).padStart(8, '0')}`,
      variables: { student_name: `Öğrenci ${i}`, lesson_at: '12 Mayıs 15:00' },
    })),
  });
  const bundleEtag =
    (await fetch(`http://127.0.0.1:${vetted.port}/v1/bundles/TR`, { headers: auth })).headers.get('etag') ??
    '';

  const all: Scenario[] = [
    {
      id: 'bare',
      name: 'bare Hono POST (reference)',
      pid: bare.child.pid,
      port: bare.port,
      method: 'POST',
      path: '/v1/render',
      headers: auth,
      body: renderBody,
    },
    {
      id: 'render',
      name: 'POST /v1/render',
      pid: vetted.child.pid,
      port: vetted.port,
      method: 'POST',
      path: '/v1/render',
      headers: auth,
      body: renderBody,
    },
    {
      id: 'batch',
      name: `POST /v1/render/batch (${batchSize})`,
      pid: vetted.child.pid,
      port: vetted.port,
      method: 'POST',
      path: '/v1/render/batch',
      headers: auth,
      body: batchBody,
      perRequest: batchSize,
    },
    {
      id: 'bundle',
      name: 'bundle, If-None-Match (304)',
      pid: vetted.child.pid,
      port: vetted.port,
      method: 'GET',
      path: '/v1/bundles/TR',
      headers: { ...auth, 'if-none-match': bundleEtag },
    },
  ];
  const scenarios = all.filter((s) => s.id === 'bare' || !ONLY || ONLY.includes(s.id));

  for (const s of scenarios) await round(s, 2);
  const results = new Map<string, Round[]>(scenarios.map((s) => [s.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of scenarios) results.get(s.name)?.push(await round(s, SECONDS));
    process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
  }

  const bareRounds = results.get(scenarios[0]?.name ?? '') ?? [];
  const bareRps = median(bareRounds.map((x) => x.rps));
  const cpuOf = (rounds: Round[]) => {
    const values = rounds.flatMap((x) => (x.cpuUs === null ? [] : [x.cpuUs]));
    return values.length ? median(values) : null;
  };
  const bareCpu = cpuOf(bareRounds);
  const table = scenarios.map((s) => {
    const rounds = results.get(s.name) ?? [];
    const rps = median(rounds.map((x) => x.rps));
    return {
      scenario: s.name,
      'req/s': Math.round(rps),
      'ratio to bare': Number((rps / bareRps).toFixed(2)),
      'ratio range': `${(Math.min(...rounds.map((x) => x.rps)) / bareRps).toFixed(2)}–${(Math.max(...rounds.map((x) => x.rps)) / bareRps).toFixed(2)}`,
      'p50 ms': median(rounds.map((x) => x.p50)),
      'p99 ms': median(rounds.map((x) => x.p99)),
      'CPU µs/req': cpuOf(rounds),
      'CPU ratio': (() => {
        const cpu = cpuOf(rounds);
        return bareCpu && cpu ? Number((bareCpu / cpu).toFixed(2)) : null;
      })(),
      ...(s.perRequest ? { 'recipients/s': Math.round(rps * s.perRequest) } : {}),
    };
  });
  console.log(
    `\nVetted render benchmark: ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections (batch: 10), ${pinned ? 'servers on core 0, load on core 1' : 'unpinned (no taskset)'}, Node ${process.version}`,
  );
  console.table(table);
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        pinned,
        seconds: SECONDS,
        rounds: ROUNDS,
        table,
        raw: Object.fromEntries(results),
      },
      null,
      2,
    ),
  );
  console.log(`written ${file}`);
} finally {
  // Waited for: a profiled server writes its profile as it exits.
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(undefined);
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}
