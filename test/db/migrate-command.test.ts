import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../db/database.ts';
import { serverDatabase } from '../chaos/server-process.ts';
import { dbKind } from '../support/harness.ts';

const MIGRATE = new URL('../../db/migrate.ts', import.meta.url).pathname;
const migrations = (
  JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }
).entries.length;

/** `npm run db:migrate` as an operator runs it; its output and exit code. */
function migrate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MIGRATE], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe(`npm run db:migrate (${dbKind})`, () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('says how many migrations it applied, then that the database is up to date', async () => {
    const { env, drop } = await serverDatabase(dbKind);
    drops.push(drop);
    const first = await migrate(env);
    expect(first).toEqual({
      code: 0,
      output: `Migrations: ${migrations} applied, ${migrations} in total.\n`,
    });
    const again = await migrate(env);
    expect(again).toEqual({ code: 0, output: `Migrations: already up to date (${migrations} applied).\n` });
  }, 400_000);
});
