/**
 * Enforced readiness against channels, and preflight against a real freeze and real
 * readiness (CONTRACT §4), through app.inject on the fake server context: a canary deploy
 * of a release that is not admitted passes (it is partial); its promotion is refused 422
 * `promotion_refused` with `not_admitted` naming the failed and missing checks, and passes
 * once every required check and the replay passed; preflight lists the freeze and the
 * shortfall, readiness blocking only when enforced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openGatedFleet, type GatedFleet } from '../../../testing/gated-fleet.js';

const T0 = Date.parse('2026-12-24T10:00:00Z');
let f: GatedFleet | undefined;

afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function fleet(spec: Record<string, unknown>): Promise<GatedFleet> {
  f = await openGatedFleet(T0, spec);
  return f;
}

const promote = (g: GatedFleet) => g.call('POST', '/api/v1/services/web/channels/promote', { from: 'canary', to: 'stable', reason: 'soaked' });
const evidence = (g: GatedFleet, check: string, passed: boolean) => g.call('POST', '/api/v1/releases/web/1.1.0/evidence', { check, passed, summary: `${check} from ci` });

/** 1.1.0 on the canary instance, succeeded: Ferry wrote its passed `rollout` record. */
async function canaryOn110(g: GatedFleet): Promise<void> {
  const started = await g.call('POST', '/api/v1/services/web/channels/canary/deploy', { version: '1.1.0' });
  expect(started).toMatchObject({ status: 202, body: { channel: 'canary', instances: ['web-h1-7001'] } });
  await g.finish(started.body.deploy_id, 'succeeded');
}

function notAdmittedReason(res: { status: number; body: any }) {
  expect([res.status, res.body.error?.code]).toEqual([422, 'promotion_refused']);
  return res.body.error.details.reasons.find((r: { code: string }) => r.code === 'not_admitted');
}

describe('enforced readiness over channels', () => {
  it('a canary deploy of a release with no evidence passes: it is partial', async () => {
    const g = await fleet({ readiness: { enforce: true } });
    await canaryOn110(g);
    expect((await g.fake.store.listEvidence('web', '1.1.0')).map((e) => [e.check, e.passed, e.source])).toEqual([['rollout', true, 'ferry']]);
  });

  it('refuses the promotion with not_admitted naming failed and missing checks, then passes once all required checks and the replay passed', async () => {
    const g = await fleet({ readiness: { enforce: true } });
    await canaryOn110(g);
    await evidence(g, 'security', false);
    const refused = notAdmittedReason(await promote(g));
    expect(refused).toMatchObject({ failed_checks: ['security'], missing_checks: ['quality', 'performance', 'cost', 'rollback', 'ops', 'replay'], replay_passed: false });
    expect((await promote(g)).body.error.details.reasons.map((r: { code: string }) => r.code)).toEqual(['not_admitted']);

    for (const check of ['quality', 'performance', 'security', 'cost', 'rollback', 'ops']) expect((await evidence(g, check, true)).status).toBe(201);
    expect(notAdmittedReason(await promote(g))).toMatchObject({ failed_checks: [], missing_checks: ['replay'] });
    await g.ferryEvidence('1.1.0', 'replay', true);

    const promoted = await promote(g);
    expect(promoted).toMatchObject({ status: 202, body: { from: 'canary', to: 'stable', version: '1.1.0' } });
    expect((await g.call('GET', `/api/v1/deployments/${promoted.body.deploy_id}`)).body.instances).toHaveLength(4);
  });

  it('required leaving replay out: the replay still holds the promotion, and the reason says so', async () => {
    const g = await fleet({ readiness: { enforce: true, required: ['quality'] } });
    await canaryOn110(g);
    await evidence(g, 'quality', true);
    const refused = notAdmittedReason(await promote(g));
    expect(refused).toMatchObject({ failed_checks: [], missing_checks: [], replay_passed: false });
    expect(refused.message).toContain('replay has not passed');
    await g.ferryEvidence('1.1.0', 'replay', true);
    expect((await promote(g)).status).toBe(202);
  });

  it('not enforced: the same release promotes without evidence', async () => {
    const g = await fleet({});
    await canaryOn110(g);
    expect((await promote(g)).status).toBe(202);
  });
});

describe('preflight with a real freeze and real readiness', () => {
  async function frozenFleet(spec: Record<string, unknown>): Promise<GatedFleet> {
    const g = await fleet(spec);
    expect((await g.call('POST', '/api/v1/freezes', { service: 'web', starts_at: '2026-12-23T00:00:00Z', ends_at: '2026-12-27T00:00:00Z', reason: 'holidays' })).status).toBe(201);
    await evidence(g, 'security', false);
    return g;
  }
  const gates = (body: any) => body.reasons.filter((r: { gate: string }) => r.gate === 'freeze' || r.gate === 'readiness').map((r: { gate: string; code: string; blocking: boolean }) => [r.gate, r.code, r.blocking]);

  it('enforced: frozen and not_admitted are both listed, both blocking', async () => {
    const g = await frozenFleet({ readiness: { enforce: true } });
    const { status, body } = await g.call('GET', '/api/v1/releases/web/1.1.0/preflight');
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    expect(gates(body)).toEqual([
      ['readiness', 'not_admitted', true],
      ['freeze', 'frozen', true],
    ]);
    const readiness = body.reasons.find((r: { gate: string }) => r.gate === 'readiness');
    expect(readiness.details).toMatchObject({ failed_checks: ['security'], replay_passed: false, enforced: true });
    expect(readiness.details.missing_checks).toContain('replay');
  });

  it('not enforced: the freeze blocks, readiness is advice (blocking: false)', async () => {
    const g = await frozenFleet({});
    const { body } = await g.call('GET', '/api/v1/releases/web/1.1.0/preflight');
    expect(body.ok).toBe(false);
    expect(gates(body)).toEqual([
      ['readiness', 'not_admitted', false],
      ['freeze', 'frozen', true],
    ]);
  });
});
