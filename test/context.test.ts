import { describe, expect, it } from 'vitest';
import { type ServiceContext, withTransaction } from '../src/context.ts';
import { AppError } from '../src/errors.ts';

/** A context whose database fails the first `failures` transactions with `code`, as PostgreSQL would. */
function flakyContext(failures: number, code: string) {
  let calls = 0;
  const db = {
    async transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
      calls += 1;
      if (calls <= failures) {
        // drizzle wraps driver errors, keeping the driver's in `cause`.
        throw new Error('Failed query', {
          cause: Object.assign(new Error('could not serialize access'), { code }),
        });
      }
      return fn({});
    },
  };
  const ctx = { database: { db }, afterCommit: [], inTransaction: false } as unknown as ServiceContext;
  return { ctx, calls: () => calls };
}

describe('withTransaction', () => {
  it('retries serialization failures and deadlocks, then runs the after-commit hooks once', async () => {
    for (const code of ['40001', '40P01']) {
      const { ctx, calls } = flakyContext(2, code);
      let hooks = 0;
      const result = await withTransaction(ctx, async (tx) => {
        tx.afterCommit.push(() => {
          hooks += 1;
        });
        return 'done';
      });
      expect(result).toBe('done');
      expect(calls()).toBe(3);
      expect(hooks).toBe(1);
    }
  });

  it('gives up after three retries with a 503 problem', async () => {
    const { ctx, calls } = flakyContext(10, '40001');
    const failure = await withTransaction(ctx, async () => 'never').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).status).toBe(503);
    expect(calls()).toBe(4);
  });

  it('does not retry other errors', async () => {
    const { ctx, calls } = flakyContext(1, '23505');
    await expect(withTransaction(ctx, async () => 'never')).rejects.toThrow('Failed query');
    expect(calls()).toBe(1);
  });
});
