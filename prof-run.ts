import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
const ADMIN = 'vt_live_bench_admin_key_000000000000000';
const scenario = process.argv[2] ?? 'render';
const child = spawn('taskset', ['-c', '0', process.execPath, '--cpu-prof', '--cpu-prof-dir=/tmp/prof', 'src/server.ts'], { cwd: '/work/main', env: { ...process.env, PORT: '3998', DATA_DIR: '/tmp/vt-data', ADMIN_API_KEY: ADMIN, SANDBOX_REVIEW_DELAY_MS: '0', LOG_LEVEL: 'warn' }, stdio: 'inherit' });
const h = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
for (;;) { try { const r = await fetch('http://127.0.0.1:3998/readyz'); if (r.ok) break; } catch {} await new Promise(r => setTimeout(r, 200)); }
const body = JSON.stringify({ template: 'lesson_rescheduled', market: 'TR', language: 'tr', variables: { student_name: 'Ayşe', lesson_at: '12 Mayıs 15:00' } });
const etag = (await fetch('http://127.0.0.1:3998/v1/bundles/TR', { headers: h })).headers.get('etag') ?? '';
const opts = scenario === 'render' ? { url: 'http://127.0.0.1:3998/v1/render', method: 'POST' as const, headers: h, body } : { url: 'http://127.0.0.1:3998/v1/bundles/TR', method: 'GET' as const, headers: { ...h, 'if-none-match': etag } };
const r = await autocannon({ ...opts, connections: 50, duration: 12 });
console.log('rps', r.requests.average, 'p99', r.latency.p99, 'non2xx', r.non2xx);
child.kill('SIGTERM');
await new Promise(r => child.on('exit', r));
