import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openPostgres } from '../../db/database.ts';
import { dbKind } from '../support/harness.ts';

const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
  entries: unknown[];
};

describe.skipIf(dbKind !== 'postgres')('migrations on PostgreSQL', () => {
  it('lets instances that start together migrate one empty database without a clash', async () => {
    const url = process.env.TEST_DATABASE_URL ?? '';
    const name = `vetted_m_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const instances = Array.from({ length: 4 }, () => openPostgres(target.toString(), { max: 2 }));
    try {
      await Promise.all(instances.map((database) => database.migrate()));
      for (const database of instances)
        expect(await database.appliedMigrations()).toBe(journal.entries.length);
    } finally {
      await Promise.all(instances.map((database) => database.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
