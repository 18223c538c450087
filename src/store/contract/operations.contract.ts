/** Store contract: operations with their targets, listing order and filters, partial patches. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../core/types.js';
import type { ContractContext } from './contract-context.js';
import type { OperationFilter } from '../store.js';
import { sampleOperation, sampleTarget } from '../../testing/sample-entities.js';

export function operationsContract(ctx: ContractContext): void {
  const listIds = async (filter: OperationFilter) =>
    (await ctx.store().listOperations(filter)).map((o) => o.id);

  describe('operations', () => {
    it('round-trips an operation and its targets, targets ordered by instance_id', async () => {
      const operation = sampleOperation();
      const targets = [
        sampleTarget({ instance_id: 'web-2' }),
        sampleTarget({ instance_id: 'web-1', from_version: null, generation: null, changed: false, started_at: null, reason: null, status: 'pending' }),
      ];
      await ctx.store().insertOperation(operation, targets);
      expect(await ctx.store().getOperation('dep-1')).toEqual(operation);
      expect(await ctx.store().listTargets('dep-1')).toEqual([targets[1], targets[0]]);
      expect(await ctx.store().getOperation('nothing')).toBeUndefined();
      expect(await ctx.store().listTargets('nothing')).toEqual([]);
    });

    it('round-trips a restart with no version, no reason and no targets', async () => {
      const restart: Operation = sampleOperation({
        id: 'rs-1',
        kind: 'restart',
        version: null,
        whole_service: false,
        status: 'pending',
        reason: null,
        strategy: { type: 'all_at_once' },
        auto_rollback: true,
        completed_at: null,
      });
      await ctx.store().insertOperation(restart, []);
      expect(await ctx.store().getOperation('rs-1')).toEqual(restart);
      expect(await ctx.store().listTargets('rs-1')).toEqual([]);
    });

    it('round-trips a trace that began with the operation, and reads an untraced operation as nulls', async () => {
      const own = sampleOperation({ id: 'dep-own', trace: { trace_id: 'c'.repeat(32), root_span_id: 'd'.repeat(16), parent_span_id: null, flags: '00' } });
      const { trace: _t, request_id: _r, ...untraced } = sampleOperation({ id: 'dep-old', service: 'api' });
      await ctx.store().insertOperation(own, []);
      await ctx.store().insertOperation(untraced, []);
      expect(await ctx.store().getOperation('dep-own')).toEqual(own);
      expect(await ctx.store().getOperation('dep-old')).toEqual({ ...untraced, trace: null, request_id: null });
    });

    it('refuses a duplicate id and writes none of the refused operation’s targets', async () => {
      await ctx.store().insertOperation(sampleOperation(), [sampleTarget({ instance_id: 'web-1' })]);
      await expect(ctx.store().insertOperation(sampleOperation({ version: '3.0.0' }), [sampleTarget({ instance_id: 'web-9' })])).rejects.toThrow();
      expect((await ctx.store().getOperation('dep-1'))?.version).toBe('2.0.0');
      expect((await ctx.store().listTargets('dep-1')).map((t) => t.instance_id)).toEqual(['web-1']);
    });

    it('writes an operation and its targets together or not at all', async () => {
      const duplicateTargets = [sampleTarget({ instance_id: 'web-1' }), sampleTarget({ instance_id: 'web-1' })];
      await expect(ctx.store().insertOperation(sampleOperation(), duplicateTargets)).rejects.toThrow();
      expect(await ctx.store().getOperation('dep-1')).toBeUndefined();
      expect(await ctx.store().listTargets('dep-1')).toEqual([]);
    });

    it('lists newest first, ties by id descending', async () => {
      await ctx.store().insertOperation(sampleOperation({ id: 'a', created_at: 100, status: 'succeeded' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'c', created_at: 300, status: 'failed' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'b', created_at: 300, status: 'rolled_back' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'd', created_at: 200, status: 'aborted' }), []);
      expect(await listIds({})).toEqual(['c', 'b', 'd', 'a']);
      expect(await listIds({ limit: 2 })).toEqual(['c', 'b']);
    });

    it('filters by service, kinds and active status', async () => {
      await ctx.store().insertOperation(sampleOperation({ id: 'web-deploy', created_at: 1, status: 'failed' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'web-rollback', kind: 'rollback', created_at: 2, status: 'succeeded' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'web-restart', kind: 'restart', created_at: 3, status: 'paused' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'api-deploy', service: 'api', created_at: 4, status: 'rolled_back' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'api-rollback', service: 'api', kind: 'rollback', created_at: 5, status: 'rolling_back' }), []);
      expect(await listIds({ service: 'web' })).toEqual(['web-restart', 'web-rollback', 'web-deploy']);
      expect(await listIds({ kinds: ['deploy', 'restart'] })).toEqual(['api-deploy', 'web-restart', 'web-deploy']);
      expect(await listIds({ kinds: [] })).toEqual([]);
      expect(await listIds({ activeOnly: true })).toEqual(['api-rollback', 'web-restart']);
      expect(await listIds({ service: 'api', kinds: ['rollback'], activeOnly: true, limit: 5 })).toEqual(['api-rollback']);
      expect(await listIds({ activeOnly: false })).toHaveLength(5);
    });

    it('refuses a second active operation for the same service (the service lock)', async () => {
      await ctx.store().insertOperation(sampleOperation({ id: 'first', status: 'running' }), []);
      await expect(ctx.store().insertOperation(sampleOperation({ id: 'second', status: 'pending' }), [])).rejects.toThrow();
      await ctx.store().insertOperation(sampleOperation({ id: 'done', status: 'succeeded' }), []);
      await ctx.store().insertOperation(sampleOperation({ id: 'other', service: 'api', status: 'pending' }), []);
      await ctx.store().updateOperation('first', { status: 'aborted' });
      await ctx.store().insertOperation(sampleOperation({ id: 'third', status: 'pending' }), []);
      expect(await listIds({ activeOnly: true })).toEqual(expect.arrayContaining(['third', 'other']));
      expect(await ctx.store().getOperation('second')).toBeUndefined();
    });

    it('patches only the operation fields given, and can clear the reason', async () => {
      const operation = sampleOperation({ status: 'running', completed_at: null });
      await ctx.store().insertOperation(operation, []);
      await ctx.store().updateOperation('dep-1', { status: 'succeeded', completed_at: 9000 });
      expect(await ctx.store().getOperation('dep-1')).toEqual({ ...operation, status: 'succeeded', completed_at: 9000 });
      await ctx.store().updateOperation('dep-1', { reason: null, updated_at: 9500, status: undefined });
      expect(await ctx.store().getOperation('dep-1')).toEqual({ ...operation, status: 'succeeded', completed_at: 9000, reason: null, updated_at: 9500 });
      await ctx.store().updateOperation('dep-1', {});
      await ctx.store().updateOperation('nothing', { status: 'failed' });
      expect((await ctx.store().getOperation('dep-1'))?.status).toBe('succeeded');
    });

    it('patches only the target fields given, on the one target named', async () => {
      const first = sampleTarget({ instance_id: 'web-1', changed: false, generation: null, started_at: null, reason: null, status: 'pending' });
      const second = sampleTarget({ instance_id: 'web-2' });
      await ctx.store().insertOperation(sampleOperation(), [first, second]);
      const patch = {
        status: 'reverted' as const,
        attempts: 3,
        generation: 7,
        changed: true,
        started_at: 100,
        updated_at: 200,
        reason: { code: 'health_timeout', message: 'slow' },
        from_version: '0.9.0',
      };
      await ctx.store().updateTarget('dep-1', 'web-1', patch);
      expect(await ctx.store().listTargets('dep-1')).toEqual([{ ...first, ...patch }, second]);
      await ctx.store().updateTarget('dep-1', 'web-1', { changed: false, reason: null, generation: null });
      expect((await ctx.store().listTargets('dep-1'))[0]).toEqual({ ...first, ...patch, changed: false, reason: null, generation: null });
      await ctx.store().updateTarget('dep-1', 'web-1', {});
    });
  });
}
