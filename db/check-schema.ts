import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * `npm run db:check` (CI): the checked-in migrations are consistent (drizzle-kit check) and
 * `db/schema` holds nothing they lack. drizzle-kit has no dry run, so it generates into a copy of
 * the migrations: any new file there is a schema change nobody generated a migration for.
 */
const root = new URL('..', import.meta.url).pathname;
const migrations = join(root, 'db/migrations');
const drizzleKit = join(root, 'node_modules/.bin/drizzle-kit');

function run(args: string[]): string {
  const result = spawnSync(drizzleKit, args, { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    process.exit(1);
  }
  return output;
}

// drizzle-kit reads paths relative to the working directory only.
run(['check', '--dialect', 'postgresql', '--out', relative(root, migrations)]);
const copy = mkdtempSync(join(tmpdir(), 'vetted-schema-check-'));
try {
  cpSync(migrations, copy, { recursive: true });
  const before = new Set(readdirSync(copy));
  run([
    'generate',
    '--dialect',
    'postgresql',
    '--schema',
    'db/schema/index.ts',
    '--out',
    relative(root, copy),
  ]);
  const added = readdirSync(copy).filter((name) => !before.has(name) && name.endsWith('.sql'));
  if (added.length) {
    process.stderr.write(
      `db/schema differs from db/migrations: a migration would be generated (${added.join(', ')}). Run npm run db:generate -- --name <what changed> and commit it.\n`,
    );
    process.exit(1);
  }
  process.stdout.write('db/schema and db/migrations agree.\n');
} finally {
  rmSync(copy, { recursive: true, force: true });
}
