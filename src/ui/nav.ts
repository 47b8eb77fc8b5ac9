import type { RoleGroup } from '../http/principal.ts';

export interface NavItem {
  id: string;
  href: string;
  /** A key under `console.nav`. */
  label: string;
  group: RoleGroup;
}

/**
 * The console's sections, in menu order, each shown to the roles that may open it.
 */
export const NAV_ITEMS: NavItem[] = [
  { id: 'templates', href: '/ui/templates', label: 'templates', group: 'readers' },
  { id: 'localization', href: '/ui/localization', label: 'localization', group: 'readers' },
  { id: 'analytics', href: '/ui/analytics', label: 'analytics', group: 'readers' },
  { id: 'cost', href: '/ui/cost', label: 'cost', group: 'readers' },
  { id: 'markets', href: '/ui/markets', label: 'markets', group: 'admins' },
  { id: 'keys', href: '/ui/keys', label: 'keys', group: 'admins' },
  { id: 'audit', href: '/ui/audit', label: 'audit', group: 'admins' },
];
