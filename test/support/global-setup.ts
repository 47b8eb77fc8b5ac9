import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { type Database, openPglite, openPostgres } from '../../db/database.ts';
import { createJobQueue } from '../../src/jobs/queue.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string;
  }
}

/** Migrations and the job queue's schema, as a fresh database would have them after a first start. */
async function prepare(database: Database): Promise<void> {
  await database.migrate();
  const queue = createJobQueue(database, {
    pollIntervalMs: 1000,
    log: pino({ level: 'silent' }),
  });
  await queue.start();
  await queue.stop(1000);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  // The project's env reaches the test workers only, so the setup tells the projects apart by name.
  const url = process.env.TEST_DATABASE_URL;
  if (project.name === 'postgres' && url) {
    const template = `vetted_tpl_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${template}`);
    await admin.unsafe(`create database ${template}`);
    const database = openPostgres(withDatabase(url, template), { max: 2 });
    await prepare(database);
    await database.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteSnapshot', '');
    return async () => {
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const database = await openPglite();
  await prepare(database);
  const snapshot = join(tmpdir(), `vetted-pglite-${process.pid}.tar`);
  await writeFile(snapshot, Buffer.from(await (await database.pglite.dumpDataDir('none')).arrayBuffer()));
  await database.close();
  project.provide('pgliteSnapshot', snapshot);
  project.provide('postgresTemplate', '');
  return undefined;
}
