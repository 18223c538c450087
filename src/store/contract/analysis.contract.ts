/** Store contract: analysis measurements (migration 018), appended with growing ids, read per operation and phase oldest first. */
import { describe, expect, it } from 'vitest';
import type { AnalysisMeasurementDraft } from '../../core/analysis/analysis-measurement.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_400_000;

function draft(over: Partial<AnalysisMeasurementDraft> = {}): AnalysisMeasurementDraft {
  return {
    operation_id: 'dep-1',
    phase: 'step-1',
    query: 'error-rate',
    verdict: 'failed',
    values: { values: [0.2, null], count: 2, counters: { 'web-1': { responses: 200, hrsp_5xx: 22, rtime: 12 } } },
    reason: 'query error-rate returned 0.2, which does not meet success "< 0.01"',
    measured_at: NOW,
    ...over,
  };
}

export function analysisContract(ctx: ContractContext): void {
  describe('analysis measurements', () => {
    it('round-trips a measurement with its JSON values and gives it a growing id', async () => {
      const first = await ctx.store().appendAnalysisMeasurement(draft());
      const second = await ctx.store().appendAnalysisMeasurement(draft({ verdict: 'successful', measured_at: NOW + 1000 }));
      expect(first).toEqual({ ...draft(), id: first.id });
      expect(second.id).toBeGreaterThan(first.id);
      expect(await ctx.store().listAnalysisMeasurements('dep-1')).toEqual([first, second]);
    });

    it('lists one operation’s rows oldest first, one phase when asked, nothing for another operation', async () => {
      const late = await ctx.store().appendAnalysisMeasurement(draft({ measured_at: NOW + 5000 }));
      const early = await ctx.store().appendAnalysisMeasurement(draft({ measured_at: NOW }));
      const rolling = await ctx.store().appendAnalysisMeasurement(draft({ phase: 'rolling', measured_at: NOW + 2000 }));
      await ctx.store().appendAnalysisMeasurement(draft({ operation_id: 'dep-2' }));
      expect(await ctx.store().listAnalysisMeasurements('dep-1')).toEqual([early, rolling, late]);
      expect(await ctx.store().listAnalysisMeasurements('dep-1', { phase: 'step-1' })).toEqual([early, late]);
      expect(await ctx.store().listAnalysisMeasurements('dep-3')).toEqual([]);
    });

    it('keeps a NaN value as null, as JSON does', async () => {
      const stored = await ctx.store().appendAnalysisMeasurement(draft({ values: { values: [Number.NaN] } }));
      expect(stored.values).toEqual({ values: [null] });
    });

    it('survives a reopen, and rolls an append back with its transaction', async () => {
      await ctx.store().appendAnalysisMeasurement(draft());
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.appendAnalysisMeasurement(draft({ phase: 'step-2' }));
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      const reopened = await ctx.fixture().reopen();
      expect((await reopened.listAnalysisMeasurements('dep-1')).map((m) => m.phase)).toEqual(['step-1']);
    });
  });
}
