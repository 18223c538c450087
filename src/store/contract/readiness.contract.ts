/** Store contract: the newest readiness evaluation per release, replaced by the next, rolled back with its transaction. */
import { describe, expect, it } from 'vitest';
import type { ReadinessEvaluation } from '../../core/readiness/readiness-evaluation.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_300_000;

export function sampleEvaluation(over: Partial<ReadinessEvaluation> = {}): ReadinessEvaluation {
  return {
    service: 'web',
    version: '2.0.0',
    admitted: false,
    failed_checks: ['security'],
    missing_checks: ['cost', 'x-load'],
    checks: {
      quality: { passed: true, at: NOW - 1000, source: 'ci', summary: '412 tests, 0 failures', url: 'https://ci.test/1', fresh: true },
      security: { passed: false, at: NOW - 500, source: 'ci', summary: null, url: null, fresh: true },
    },
    replay_passed: false,
    required: ['quality', 'security', 'cost', 'x-load'],
    evaluated_at: NOW,
    actor: 'ci-bot',
    correlation_id: 'cor-9',
    ...over,
  };
}

export function readinessContract(ctx: ContractContext): void {
  describe('readiness evaluations', () => {
    it('round-trips an evaluation, and answers undefined for a release never evaluated', async () => {
      await ctx.store().putReadinessEvaluation(sampleEvaluation());
      expect(await ctx.store().getReadinessEvaluation('web', '2.0.0')).toEqual(sampleEvaluation());
      expect(await ctx.store().getReadinessEvaluation('web', '3.0.0')).toBeUndefined();
      expect(await ctx.store().getReadinessEvaluation('api', '2.0.0')).toBeUndefined();
    });

    it('keeps only the newest per release; other releases keep theirs', async () => {
      await ctx.store().putReadinessEvaluation(sampleEvaluation());
      await ctx.store().putReadinessEvaluation(sampleEvaluation({ version: '3.0.0' }));
      const admitted = sampleEvaluation({ admitted: true, failed_checks: [], missing_checks: [], replay_passed: true, evaluated_at: NOW + 1, actor: 'admin', correlation_id: 'cor-10' });
      await ctx.store().putReadinessEvaluation(admitted);
      expect(await ctx.store().getReadinessEvaluation('web', '2.0.0')).toEqual(admitted);
      expect(await ctx.store().getReadinessEvaluation('web', '3.0.0')).toEqual(sampleEvaluation({ version: '3.0.0' }));
    });

    it('survives a reopen of the store', async () => {
      await ctx.store().putReadinessEvaluation(sampleEvaluation());
      const reopened = await ctx.fixture().reopen();
      expect(await reopened.getReadinessEvaluation('web', '2.0.0')).toEqual(sampleEvaluation());
    });

    it('rolls a put back with its transaction', async () => {
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.putReadinessEvaluation(sampleEvaluation());
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      expect(await ctx.store().getReadinessEvaluation('web', '2.0.0')).toBeUndefined();
    });
  });
}
