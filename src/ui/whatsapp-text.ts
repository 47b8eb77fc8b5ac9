import { html } from 'hono/html';
import type { Html } from './layout.ts';

// WhatsApp's formatting markers: ```monospace```, *bold*, _italic_, ~strikethrough~ (no nesting here).
const MARKERS = /```([\s\S]+?)```|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~/g;

/**
 * Message text as WhatsApp shows it, markers turned into markup. The text itself is only ever
 * interpolated (escaped); the markup comes from the templates here.
 */
export function whatsappText(text: string): Html {
  const parts: Html[] = [];
  let at = 0;
  for (const match of text.matchAll(MARKERS)) {
    parts.push(html`${text.slice(at, match.index)}`);
    const [, mono, bold, italic, strike] = match;
    if (mono !== undefined) parts.push(html`<code>${mono}</code>`);
    else if (bold !== undefined) parts.push(html`<strong>${bold}</strong>`);
    else if (italic !== undefined) parts.push(html`<em>${italic}</em>`);
    else parts.push(html`<s>${strike}</s>`);
    at = match.index + match[0].length;
  }
  parts.push(html`${text.slice(at)}`);
  return html`${parts}`;
}
