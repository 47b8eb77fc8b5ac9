import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npx node bench/start-phases.ts [data-dir]`: how long each start-up step takes on an existing
 * data directory (made first when none is given): module loading, PGlite open, migration check,
 * market seed, index load, pg-boss start. Times are wall-clock milliseconds: run it on a quiet machine.
 */
const given = process.argv[2];
const dataDir = given ?? join(mkdtempSync(join(tmpdir(), 'vetted-start-')), 'data');

async function phases(): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  let last = performance.now();
  const mark = (name: string) => {
    const now = performance.now();
    times[name] = Math.round(now - last);
    last = now;
  };
  const { openPglite } = await import('../db/database.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { startVetted } = await import('../src/vetted.ts');
  const { createApp } = await import('../src/app.ts');
  mark('modules');
  const database = await openPglite({ dataDir });
  mark('pglite open');
  await database.migrate();
  mark('migrate check');
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const vetted = await startVetted(config, { database, bootstrapAdmin: false });
  mark('seed, indexes, pg-boss, workers');
  createApp(vetted.deps);
  mark('app');
  await vetted.stop();
  await database.close();
  return times;
}

if (!given) {
  // A first start makes the directory; the second is the one measured.
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, [new URL(import.meta.url).pathname, dataDir], { stdio: 'ignore' });
}
const times = await phases();
process.stdout.write(
  `${JSON.stringify({ dataDir, ...times, total: Object.values(times).reduce((a, b) => a + b, 0) })}\n`,
);
