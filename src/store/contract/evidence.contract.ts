/** Store contract: release evidence is appended with growing ids and read per release, oldest first. */
import { describe, expect, it } from 'vitest';
import type { EvidenceDraft } from '../../core/readiness/evidence.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_200_000;

function draft(over: Partial<EvidenceDraft> = {}): EvidenceDraft {
  return {
    service: 'web',
    version: '2.0.0',
    check: 'quality',
    passed: true,
    summary: '412 tests passed',
    url: 'https://ci.test/runs/7',
    details: { tests: 412, failures: 0 },
    source: 'ci',
    actor: 'ci-bot',
    correlation_id: 'cor-1',
    recorded_at: NOW,
    ...over,
  };
}

export function evidenceContract(ctx: ContractContext): void {
  describe('release evidence', () => {
    it('round-trips a record with the id the store gave it', async () => {
      const stored = await ctx.store().appendEvidence(draft());
      expect(stored).toEqual({ ...draft(), id: stored.id });
      expect(await ctx.store().listEvidence('web', '2.0.0')).toEqual([stored]);
    });

    it('keeps nullable fields null and false as false', async () => {
      const stored = await ctx.store().appendEvidence(draft({ passed: false, summary: null, url: null, details: null }));
      expect(await ctx.store().listEvidence('web', '2.0.0')).toEqual([stored]);
    });

    it('lists one release oldest first, with ids growing even within one millisecond', async () => {
      const first = await ctx.store().appendEvidence(draft({ passed: false }));
      await ctx.store().appendEvidence(draft({ version: '3.0.0' }));
      await ctx.store().appendEvidence(draft({ service: 'api' }));
      const second = await ctx.store().appendEvidence(draft({ passed: true }));
      expect(second.id).toBeGreaterThan(first.id);
      expect((await ctx.store().listEvidence('web', '2.0.0')).map((e) => [e.id, e.passed])).toEqual([
        [first.id, false],
        [second.id, true],
      ]);
      expect(await ctx.store().listEvidence('web', '9.9.9')).toEqual([]);
    });

    it('rolls an append back with its transaction', async () => {
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.appendEvidence(draft());
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      expect(await ctx.store().listEvidence('web', '2.0.0')).toEqual([]);
    });
  });
}
