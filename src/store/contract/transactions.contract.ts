/**
 * Store contract: transactions (all or nothing, nested calls join the outer one) and
 * durability across reopening, which also proves migrations are safe to apply twice.
 */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import type { Store } from '../store.js';
import { sampleAudit, sampleHost, sampleInstance, sampleOperation, sampleRelease, sampleService, sampleTarget } from '../../testing/sample-entities.js';

class Boom extends Error {}

/** One write of every kind, so a rollback test notices any write that escaped the transaction. */
async function writeOneOfEverything(tx: Store): Promise<void> {
  await tx.insertRelease(sampleRelease());
  await tx.putService(sampleService());
  await tx.insertInstance(sampleInstance());
  await tx.upsertHost(sampleHost());
  await tx.insertOperation(sampleOperation(), [sampleTarget()]);
  await tx.recordInstanceVersion('web-host-a-8080', '1.0.0', 100);
  await tx.appendAudit(sampleAudit());
}

async function expectNothingWritten(store: Store): Promise<void> {
  expect(await store.getRelease('web', '1.0.0')).toBeUndefined();
  expect(await store.listServices()).toEqual([]);
  expect(await store.listInstances({})).toEqual([]);
  expect(await store.listHosts()).toEqual([]);
  expect(await store.getOperation('dep-1')).toBeUndefined();
  expect(await store.listTargets('dep-1')).toEqual([]);
  expect(await store.listInstanceHistory('web-host-a-8080')).toEqual([]);
  expect(await store.listAudit({})).toEqual([]);
}

export function transactionsContract(ctx: ContractContext): void {
  describe('transactions', () => {
    it('commits every write and returns the callback’s value', async () => {
      const result = await ctx.store().transaction(async (tx) => {
        await writeOneOfEverything(tx);
        expect(await tx.getRelease('web', '1.0.0')).toEqual(sampleRelease());
        return 'done';
      });
      expect(result).toBe('done');
      expect(await ctx.store().getRelease('web', '1.0.0')).toEqual(sampleRelease());
      expect(await ctx.store().listTargets('dep-1')).toHaveLength(1);
      expect(await ctx.store().listAudit({})).toHaveLength(1);
    });

    it('rolls back every write when the callback throws, and rethrows its error', async () => {
      const failing = ctx.store().transaction(async (tx) => {
        await writeOneOfEverything(tx);
        throw new Boom('stop');
      });
      await expect(failing).rejects.toBeInstanceOf(Boom);
      await expectNothingWritten(ctx.store());
    });

    it('rolls back writes made through a nested transaction when the outer one throws', async () => {
      const failing = ctx.store().transaction(async (outer) => {
        const inner = await outer.transaction(async (tx) => {
          await writeOneOfEverything(tx);
          return 'inner';
        });
        expect(inner).toBe('inner');
        throw new Boom('outer fails after inner succeeded');
      });
      await expect(failing).rejects.toBeInstanceOf(Boom);
      await expectNothingWritten(ctx.store());
    });

    it('runs a nested transaction inside the outer one, with no savepoint of its own', async () => {
      await ctx.store().transaction(async (outer) => {
        const nested = outer.transaction(async (tx) => {
          await tx.insertRelease(sampleRelease());
          throw new Boom('inner fails');
        });
        await expect(nested).rejects.toBeInstanceOf(Boom);
        // The inner write belongs to the outer transaction, which the caller chose to commit.
        expect(await outer.getRelease('web', '1.0.0')).toEqual(sampleRelease());
      });
      expect(await ctx.store().getRelease('web', '1.0.0')).toEqual(sampleRelease());
    });
  });

  describe('reopening', () => {
    it('keeps data across close and reopen, applying migrations again harmlessly', async () => {
      await writeOneOfEverything(ctx.store());
      await ctx.store().close();
      const reopened = await ctx.fixture().reopen();
      expect(await reopened.getRelease('web', '1.0.0')).toEqual(sampleRelease());
      expect(await reopened.getInstance('web-host-a-8080')).toEqual(sampleInstance());
      const next = await reopened.appendAudit(sampleAudit());
      expect(next.id).toBeGreaterThan((await reopened.listAudit({}))[0]?.id ?? Infinity);
    });

    it('serves two stores open on the same database at once', async () => {
      const second = await ctx.fixture().reopen();
      await ctx.store().insertRelease(sampleRelease());
      expect(await second.getRelease('web', '1.0.0')).toEqual(sampleRelease());
      await second.appendAudit(sampleAudit());
      expect(await ctx.store().listAudit({})).toHaveLength(1);
    });

    it('may be closed twice', async () => {
      await ctx.store().close();
      await ctx.store().close();
    });
  });
}
