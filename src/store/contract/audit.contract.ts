/** Store contract: the append-only audit log, its growing ids, filters and cap. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import type { AuditFilter } from '../store.js';
import { sampleAudit } from '../../testing/sample-entities.js';

export function auditContract(ctx: ContractContext): void {
  describe('audit', () => {
    it('returns each appended event with a growing id, and lists it unchanged', async () => {
      const first = await ctx.store().appendAudit(sampleAudit());
      const second = await ctx.store().appendAudit(
        sampleAudit({ type: 'release_registered', service: null, version: null, instance_id: null, deploy_id: null, details: {} }),
      );
      expect(first).toEqual({ ...sampleAudit(), id: first.id });
      expect(Number.isInteger(first.id)).toBe(true);
      expect(second.id).toBeGreaterThan(first.id);
      expect(await ctx.store().listAudit({})).toEqual([first, second]);
    });

    it('lists oldest first, by id even when clocks disagree', async () => {
      const late = await ctx.store().appendAudit(sampleAudit({ at: 300 }));
      const early = await ctx.store().appendAudit(sampleAudit({ at: 100 }));
      expect((await ctx.store().listAudit({})).map((e) => e.id)).toEqual([late.id, early.id]);
    });

    it('filters by service, type, deploy_id and since', async () => {
      const a = await ctx.store().appendAudit(sampleAudit({ at: 100, service: 'web', type: 'deploy_started', deploy_id: 'dep-1' }));
      const b = await ctx.store().appendAudit(sampleAudit({ at: 200, service: 'api', type: 'deploy_started', deploy_id: 'dep-2' }));
      const c = await ctx.store().appendAudit(sampleAudit({ at: 300, service: 'web', type: 'deploy_completed', deploy_id: 'dep-1' }));
      const d = await ctx.store().appendAudit(sampleAudit({ at: 400, service: null, type: 'release_registered', deploy_id: null }));
      const ids = async (filter: AuditFilter) => (await ctx.store().listAudit(filter)).map((e) => e.id);
      expect(await ids({ service: 'web' })).toEqual([a.id, c.id]);
      expect(await ids({ type: 'deploy_started' })).toEqual([a.id, b.id]);
      expect(await ids({ deploy_id: 'dep-1' })).toEqual([a.id, c.id]);
      expect(await ids({ since: 200 })).toEqual([b.id, c.id, d.id]);
      expect(await ids({ since: 201 })).toEqual([c.id, d.id]);
      expect(await ids({ service: 'web', type: 'deploy_completed', deploy_id: 'dep-1', since: 300 })).toEqual([c.id]);
      expect(await ids({ service: 'nothing' })).toEqual([]);
    });

    it('lists only events after an id, combined with the other filters and the cap', async () => {
      const a = await ctx.store().appendAudit(sampleAudit({ service: 'web' }));
      const b = await ctx.store().appendAudit(sampleAudit({ service: 'api' }));
      const c = await ctx.store().appendAudit(sampleAudit({ service: 'web' }));
      const d = await ctx.store().appendAudit(sampleAudit({ service: 'web' }));
      const ids = async (filter: AuditFilter) => (await ctx.store().listAudit(filter)).map((e) => e.id);
      expect(await ids({ after_id: a.id })).toEqual([b.id, c.id, d.id]);
      expect(await ids({ after_id: a.id, service: 'web' })).toEqual([c.id, d.id]);
      expect(await ids({ after_id: a.id, limit: 1 })).toEqual([b.id]);
      expect(await ids({ after_id: d.id })).toEqual([]);
      expect(await ids({ after_id: 0 })).toEqual([a.id, b.id, c.id, d.id]);
    });

    it('keeps an event without trace or request id as nulls', async () => {
      const { trace_id: _t, request_id: _r, ...untraced } = sampleAudit();
      const stored = await ctx.store().appendAudit(untraced);
      expect(stored).toMatchObject({ trace_id: null, request_id: null });
      expect(await ctx.store().listAudit({})).toEqual([stored]);
    });

    it('filters by correlation_id and trace_id, alone and with other filters', async () => {
      const traceA = 'a'.repeat(32);
      const traceB = 'b'.repeat(32);
      const a = await ctx.store().appendAudit(sampleAudit({ correlation_id: 'ci-1', trace_id: traceA, service: 'web' }));
      const b = await ctx.store().appendAudit(sampleAudit({ correlation_id: 'ci-2', trace_id: traceB, service: 'web' }));
      const c = await ctx.store().appendAudit(sampleAudit({ correlation_id: 'ci-1', trace_id: traceA, service: 'api' }));
      await ctx.store().appendAudit(sampleAudit({ correlation_id: 'ci-3', trace_id: null }));
      const ids = async (filter: AuditFilter) => (await ctx.store().listAudit(filter)).map((e) => e.id);
      expect(await ids({ correlation_id: 'ci-1' })).toEqual([a.id, c.id]);
      expect(await ids({ trace_id: traceB })).toEqual([b.id]);
      expect(await ids({ trace_id: traceA, service: 'api' })).toEqual([c.id]);
      expect(await ids({ correlation_id: 'ci-2', trace_id: traceA })).toEqual([]);
      expect(await ids({ correlation_id: 'nobody' })).toEqual([]);
    });

    it('caps the list at limit, oldest first, after since', async () => {
      const events = [];
      for (let at = 1; at <= 5; at++) events.push(await ctx.store().appendAudit(sampleAudit({ at })));
      const ids = events.map((e) => e.id);
      expect((await ctx.store().listAudit({ limit: 2 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect((await ctx.store().listAudit({ since: 3, limit: 2 })).map((e) => e.id)).toEqual(ids.slice(2, 4));
      expect(await ctx.store().listAudit({ limit: 0 })).toEqual([]);
    });

    it('returns at most 1000 events when no limit is given', async () => {
      await ctx.store().transaction(async (tx) => {
        for (let at = 0; at < 1001; at++) await tx.appendAudit(sampleAudit({ at, details: {} }));
      });
      const listed = await ctx.store().listAudit({});
      expect(listed).toHaveLength(1000);
      expect(listed[0]?.at).toBe(0);
      expect(listed[999]?.at).toBe(999);
    });
  });
}
