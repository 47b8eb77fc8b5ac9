import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The registry this project installs from has no audit endpoint, so `npm audit` finds nothing
 * to say. This holds the line instead: every copy of a security-critical package we ship must be
 * at or above the version that fixed the advisory named beside it.
 */
const FLOORS: Array<{ name: string; fixed: string; advisory: string }> = [
  {
    name: 'handlebars',
    fixed: '4.7.10',
    advisory: 'the 2026 remote code execution advisories in template compilation (fixed in 4.7.10)',
  },
  {
    name: 'drizzle-orm',
    fixed: '0.45.2',
    advisory: 'GHSA-gpj5-g38j-94v9 / CVE-2026-39356: SQL injection through unescaped quoted identifiers',
  },
  { name: 'hono', fixed: '4.12.14', advisory: 'GHSA-458j-xx4x-4375' },
  {
    name: 'zod',
    fixed: '3.22.3',
    advisory: 'CVE-2023-4316: regular-expression denial of service in email validation',
  },
];

interface LockFile {
  packages: Record<string, { version?: string; dev?: boolean }>;
}

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as LockFile;

function compare(a: string, b: string): number {
  const parse = (v: string) => (v.split('-')[0] ?? v).split('.').map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Every installed copy of the package that ships (not only the top-level one). */
function shippedCopies(name: string): Array<{ path: string; version: string }> {
  return Object.entries(lock.packages)
    .filter(
      ([path, entry]) =>
        (path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`)) && !entry.dev,
    )
    .map(([path, entry]) => ({ path, version: entry.version ?? '0.0.0' }));
}

describe('security-critical dependencies in package-lock.json', () => {
  it.each(FLOORS)('$name is at least $fixed ($advisory)', ({ name, fixed }) => {
    const copies = shippedCopies(name);
    expect(copies.length, `${name} is not in package-lock.json`).toBeGreaterThan(0);
    for (const copy of copies)
      expect(compare(copy.version, fixed), `${copy.path}@${copy.version}`).toBeGreaterThanOrEqual(0);
  });

  it('compares versions numerically, so a downgrade fails', () => {
    expect(compare('4.7.9', '4.7.10')).toBeLessThan(0);
    expect(compare('4.7.10', '4.7.10')).toBe(0);
    expect(compare('0.44.7', '0.45.2')).toBeLessThan(0);
  });
});
