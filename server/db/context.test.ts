// A transaction's body runs in its caller's async context (request log scope, trace), also when
// SQLite's group commit runs it in a batch another caller's turn opened.
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { DIALECTS, freshDb } from './testing.ts';

for (const dialect of DIALECTS) {
  describe(`transaction context (${dialect})`, () => {
    it('transaction_batchedWithOthers_bodySeesItsOwnCallersContext', async () => {
      const db = await freshDb(dialect);
      const caller = new AsyncLocalStorage<string>();
      try {
        const seen = await Promise.all(
          ['a', 'b', 'c'].map((id) =>
            caller.run(id, () =>
              db.transaction(async (tx) => {
                const before = caller.getStore();
                await tx.one('SELECT 1 AS one');
                return [before, caller.getStore()];
              }),
            ),
          ),
        );
        expect(seen).toEqual([
          ['a', 'a'],
          ['b', 'b'],
          ['c', 'c'],
        ]);
      } finally {
        await db.close();
      }
    });
  });
}
