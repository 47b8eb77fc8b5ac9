import { readFileSync } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import { MIGRATIONS_FOLDER } from '../../../db/database.ts';
import type { AppDeps } from '../../context.ts';
import { createRouter, jsonContent } from '../../http/openapi.ts';

const journal = z
  .object({ entries: z.array(z.object({ tag: z.string() })) })
  .parse(JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')));

const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.string()).optional(),
});

export function healthRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/healthz',
        operationId: 'liveness',
        tags: ['Operations'],
        summary: 'Liveness: the process answers',
        responses: { 200: jsonContent(Health, 'Alive') },
      }),
      (c) => c.json({ status: 'ok' as const }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/readyz',
        operationId: 'readiness',
        tags: ['Operations'],
        summary:
          'Readiness: the database answers, every migration is applied and, on PostgreSQL, this instance listens for the other instances’ changes',
        responses: { 200: jsonContent(Health, 'Ready'), 503: jsonContent(Health, 'Not ready') },
      }),
      async (c) => {
        const checks: Record<string, string> = {};
        try {
          await deps.database.ping();
          checks.database = 'ok';
          const applied = await deps.database.appliedMigrations();
          checks.migrations =
            applied >= journal.entries.length ? 'ok' : `${applied}/${journal.entries.length} applied`;
        } catch {
          checks.database = 'unreachable';
        }
        // Without it this instance may serve what another one has paused, until the next reload.
        const listener = deps.changes.listenerState;
        if (listener !== 'off') checks.listener = listener;
        const ready = Object.values(checks).every((v) => v === 'ok') && checks.migrations !== undefined;
        return ready
          ? c.json({ status: 'ok' as const, checks }, 200)
          : c.json({ status: 'unavailable' as const, checks }, 503);
      },
    );
}
