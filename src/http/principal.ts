import type { Context } from 'hono';
import type { Role } from '../../db/schema/api-keys.ts';
import type { Actor } from '../context.ts';
import type { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** null: every market. */
  markets: string[] | null;
  /** null: every language. */
  languages: string[] | null;
  /** null: the role's default from configuration. */
  rateLimitPerSecond: number | null;
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

/**
 * How far a role reaches, for "a key creates and manages keys no wider than itself". An admin
 * outranks all; an editor does all a translator does; a sender and a translator do different
 * things at the same level; a viewer only reads.
 */
export const ROLE_RANK: Record<Role, number> = { admin: 3, editor: 2, translator: 1, sender: 1, viewer: 0 };

/** A key's reach: role and scope, as stored for any key. */
export interface KeyScope {
  role: Role;
  markets: string[] | null;
  languages: string[] | null;
}

export function inScope(principal: Principal, market: string, language?: string): boolean {
  if (principal.markets && !principal.markets.includes(market)) return false;
  if (language !== undefined && principal.languages && !principal.languages.includes(language)) return false;
  return true;
}

/** Whether `outer` (null: everything) contains every one of `inner` (null: everything). */
function covers(outer: string[] | null, inner: string[] | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((item) => outer.includes(item));
}

/** Whether `key` is no wider than `principal`: a role no higher, and markets and languages within its own. */
export function isWithin(principal: KeyScope, key: KeyScope): boolean {
  return (
    ROLE_RANK[key.role] <= ROLE_RANK[principal.role] &&
    covers(principal.markets, key.markets) &&
    covers(principal.languages, key.languages)
  );
}

/** The roles a principal may create and manage keys of. */
export function rolesWithin(principal: KeyScope): Role[] {
  return (Object.keys(ROLE_RANK) as Role[]).filter((role) => ROLE_RANK[role] <= ROLE_RANK[principal.role]);
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

/** Who is making the request, for the audit trail of the changes it makes. */
export function actorOf(c: Context<AppEnv>): Actor {
  return { keyId: c.var.principal.keyId, name: c.var.principal.name, requestId: c.var.requestId };
}
