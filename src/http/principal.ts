import type { Role } from '../../db/schema/api-keys.ts';
import type { AppError } from '../errors.ts';

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** null: every market. */
  markets: string[] | null;
  /** null: every language. */
  languages: string[] | null;
}

export const ROLE_GROUPS = {
  anyone: ['admin', 'editor', 'translator', 'sender', 'viewer'],
  readers: ['admin', 'editor', 'translator', 'viewer'],
  editors: ['admin', 'editor'],
  authors: ['admin', 'editor', 'translator'],
  senders: ['admin', 'sender'],
  admins: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type RoleGroup = keyof typeof ROLE_GROUPS;

export function inScope(principal: Principal, market: string, language?: string): boolean {
  if (principal.markets && !principal.markets.includes(market)) return false;
  if (language !== undefined && principal.languages && !principal.languages.includes(language)) return false;
  return true;
}

/** Objects outside a key's scope answer like missing ones, so a key learns nothing of them. */
export function assertInScope(
  principal: Principal,
  market: string,
  language: string | undefined,
  notFound: AppError,
): void {
  if (!inScope(principal, market, language)) throw notFound;
}
