import { html } from 'hono/html';
import type { VersionStatus } from '../domain/lifecycle.ts';
import type { TFunction } from '../i18n.ts';
import type { Html } from './layout.ts';

/** A version's status as the console shows it: an approved version is "served" when render serves it. */
export type ChipStatus = VersionStatus | 'missing' | 'approved-served';

export function chipStatus(status: VersionStatus | 'missing', served: boolean): ChipStatus {
  return status === 'approved' && served ? 'approved-served' : status;
}

/** A colour-coded status chip that always says its status in words, not by colour alone. */
export function chip(t: TFunction, status: ChipStatus): Html {
  return html`<span class="chip chip-${status}">${t(`console.status.${status}`)}</span>`;
}
