/**
 * What the freeze and readiness gates answer reaches the verdict: with gate readers that
 * answer as a real freeze window and a real shortfall would (the real ones are filled in
 * by their own features), preflight lists `frozen` and `not_admitted`, blocking or as
 * advice, and passes the gates the service, version and moment it asked about.
 */
import { describe, expect, it } from 'vitest';
import { makeInstance, makeService } from '../../../testing/builders.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import { sampleHost, sampleRelease } from '../../../testing/sample-entities.js';
import type { FreezeHit } from '../freezes/freeze-gate.js';
import type { AdmissionShortfall } from '../readiness/readiness-gate.js';
import { preflightRelease, type GateReaders } from './preflight-service.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const FREEZE: FreezeHit = { freeze_id: 'frz-fri', service: 'web', reason: 'friday afternoon', ends_at: NOW + 7_200_000 };
const SHORTFALL: AdmissionShortfall = { failed_checks: ['security'], missing_checks: ['cost'], replay_passed: true };

async function webContext() {
  const ctx = inMemoryServerContext(() => NOW);
  await ctx.store.putService(makeService({ name: 'web' }));
  await ctx.store.insertInstance(makeInstance('web-1', 'v1', { service: 'web', host: 'host-a' }));
  await ctx.store.upsertHost(sampleHost({ host: 'host-a', last_heartbeat_at: NOW, kept_releases: { web: ['v1', 'v2'] } }));
  await ctx.store.insertRelease(sampleRelease({ service: 'web', version: 'v2' }));
  return ctx;
}

/** Gates that answer as a covering freeze and a shortfall would, noting what they were asked. */
function answeringGates(enforced: boolean, asked: string[]): GateReaders {
  return {
    coveringFreeze: async (_store, service, now) => (asked.push(`freeze ${service} ${now}`), FREEZE),
    readinessEnforced: (_ctx, service) => (asked.push(`enforced ${service.name}`), enforced),
    admissionShortfall: async (_ctx, _store, service, version, now) => (asked.push(`shortfall ${service.name} ${version} ${now}`), SHORTFALL),
  };
}

describe('preflightRelease with the freeze and readiness gates answering', () => {
  it('readiness enforced: frozen and not_admitted both block', async () => {
    const asked: string[] = [];
    const report = await preflightRelease(await webContext(), 'web', 'v2', answeringGates(true, asked));
    expect(report.ok).toBe(false);
    expect(report.reasons.map((r) => [r.gate, r.code, r.blocking])).toEqual([
      ['readiness', 'not_admitted', true],
      ['freeze', 'frozen', true],
    ]);
    expect(report.reasons[0]!.details).toEqual({ ...SHORTFALL, enforced: true });
    expect(report.reasons[1]!.details).toEqual({ freeze_id: 'frz-fri', service: 'web', reason: 'friday afternoon', ends_at: new Date(NOW + 7_200_000).toISOString() });
    expect(asked.sort()).toEqual([`enforced web`, `freeze web ${NOW}`, `shortfall web v2 ${NOW}`]);
  });

  it('readiness not enforced: the shortfall is advice, the freeze still blocks', async () => {
    const report = await preflightRelease(await webContext(), 'web', 'v2', answeringGates(false, []));
    expect(report.reasons.map((r) => [r.gate, r.blocking])).toEqual([
      ['readiness', false],
      ['freeze', true],
    ]);
    expect(report.ok).toBe(false);
  });

  it('with the real gates: no window and nothing enforced, so nothing blocks (a shortfall, if any, is advice)', async () => {
    const report = await preflightRelease(await webContext(), 'web', 'v2');
    expect(report.ok).toBe(true);
    expect(report.reasons.every((r) => r.gate === 'readiness' && !r.blocking)).toBe(true);
  });
});
