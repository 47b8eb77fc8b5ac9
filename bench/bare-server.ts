import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** The reference: a bare Hono POST /v1/render answering a small constant JSON, the body sent but not parsed. */
const app = new Hono().post('/v1/render', (c) => c.json({ ok: true, text: 'Merhaba Ayşe' }));
serve({ fetch: app.fetch, port: Number(process.argv[2] ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening ${info.port}\n`);
});
