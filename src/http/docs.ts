import { readFile } from 'node:fs/promises';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';

const STANDALONE_URL = new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference'));

/**
 * The API reference page, with Scalar's script served from our own origin (no CDN) and its
 * default fonts off: they come from Scalar's font host, and the page asks nothing of other hosts.
 */
export function docsRoutes() {
  let script: Promise<Buffer> | undefined;
  return new Hono()
    .get('/docs/assets/standalone.js', async (c) => {
      script ??= readFile(STANDALONE_URL);
      c.header('cache-control', 'public, max-age=86400');
      return c.body(new Uint8Array(await script), 200, { 'content-type': 'text/javascript; charset=utf-8' });
    })
    .get(
      '/docs',
      Scalar({
        url: '/openapi.json',
        cdn: '/docs/assets/standalone.js',
        pageTitle: 'Vetted API',
        withDefaultFonts: false,
      }),
    );
}
