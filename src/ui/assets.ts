import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

const CSS_FILE = new URL('./assets/console.css', import.meta.url);
const HTMX_FILE = new URL('./htmx.min.js', import.meta.resolve('htmx.org'));

interface Asset {
  path: string;
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

/** The asset's URL carries its content hash, so browsers may keep it for a year. */
function asset(file: URL, name: string, extension: string, type: string): Asset {
  const body = new Uint8Array(readFileSync(file));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/ui/assets/${name}.${hash}.${extension}`, body, type };
}

export interface ConsoleAssets {
  css: string;
  htmx: string;
  routes: Hono;
}

/** The console's stylesheet and htmx (from node_modules), served from our own origin. */
export function consoleAssets(): ConsoleAssets {
  const css = asset(CSS_FILE, 'console', 'css', 'text/css; charset=utf-8');
  const htmx = asset(HTMX_FILE, 'htmx', 'js', 'text/javascript; charset=utf-8');
  const routes = new Hono();
  for (const { path, body, type } of [css, htmx]) {
    routes.get(path, (c) =>
      c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' }),
    );
  }
  return { css: css.path, htmx: htmx.path, routes };
}
