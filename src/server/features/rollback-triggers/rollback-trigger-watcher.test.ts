/**
 * The rollback-trigger watcher on the in-memory and a real SQLite store with a fake clock,
 * alert rows as the evaluator writes them: a release of 2.0.0 whose deployment completed
 * is watched; a bad rate or a P0 alert long enough rolls it back once, to 1.0.0, as
 * `ferry:rollback-trigger`, with the trigger on the rollback's reason, in its audit event
 * and in the P0 alert the evaluator then raises. Rates come from a meter the test sets
 * (the providers are tested against a real Prometheus and a real HAProxy).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RollbackTriggersSpec } from '../../../core/analysis/analysis-spec.js';
import type { Alert } from '../../../core/alerts/alert-types.js';
import type { RateReading } from '../../../core/rollback-triggers/decide-rollback-trigger.js';
import type { WatchedRelease } from '../../../core/rollback-triggers/watched-release.js';
import type { Service } from '../../../core/types.js';
import { makeInstance, makeOperation, makeService, makeTarget, T0 } from '../../../testing/builders.js';
import { openFakeServerContext } from '../../../testing/fake-server-context.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { readAlertConfig } from '../alerts/alert-config.js';
import { AlertEvaluator } from '../alerts/alert-evaluator.js';
import type { ReleaseRateMeter } from './release-rate-meter.js';
import { RollbackTriggerWatcher } from './rollback-trigger-watcher.js';

const MIN = 60_000;
const COMPLETED = T0 + 2 * MIN;
const CONFIG = { intervalMs: 1000, queryTimeoutMs: 1000, rollbackMaxMinutes: 5 };
const TRIGGERS: RollbackTriggersSpec = { watch_minutes: 30, critical_alert_minutes: 5, min_success_rate: 0.99, error_rate_query: 'e{version="{version}"}' };

/** A meter with the rates the test sets, or an error; it counts its measurements. */
class SetRateMeter implements ReleaseRateMeter {
  rates: Partial<RateReading> | Error = {};
  measured = 0;
  /** Runs during a measurement: the test's way to land an operation between decision and rollback. */
  during: (() => Promise<void>) | undefined;
  async measure(_service: Service, release: WatchedRelease, now: number): Promise<RateReading | null> {
    this.measured += 1;
    await this.during?.();
    if (this.rates instanceof Error) throw this.rates;
    return { deploy_id: release.deploy_id, measured_at: now, success_rate: null, error_rate: null, baseline_error_rate: null, ...this.rates };
  }
  keepOnly(): void {}
}

type StoreKind = 'in memory' | 'SQLite';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The server context on the store the scenario runs on, its clock at `clock.now`. */
async function contextOn(kind: StoreKind, clock: { now: number }): Promise<ServerContext> {
  if (kind === 'in memory') return inMemoryServerContext(() => clock.now);
  const fake = await openFakeServerContext({ now: () => clock.now });
  closers.push(() => fake.close());
  return fake.ctx;
}

async function fleet(kind: StoreKind, triggers: RollbackTriggersSpec = TRIGGERS) {
  const clock = { now: COMPLETED + MIN };
  const ctx = await contextOn(kind, clock);
  const meter = new SetRateMeter();
  const watcher = new RollbackTriggerWatcher(ctx, CONFIG, meter);
  await ctx.store.putService(makeService({ desired_version: '2.0.0', previous_version: '1.0.0', rollback_triggers: triggers, strategy: { type: 'rolling', batch_size: 1, progress_deadline_s: 3600 } }));
  for (const version of ['1.0.0', '2.0.0']) {
    await ctx.store.insertRelease({ service: 'hello', version, package_url: `https://example.test/hello-${version}.tgz`, sha256: 'a'.repeat(64), git_sha: null, build_time: null, registered_at: T0 });
  }
  await ctx.store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: 'test', last_heartbeat_at: clock.now, kept_releases: { hello: ['1.0.0', '2.0.0'] } });
  const instances = ['i1', 'i2'].map((id, n) => makeInstance(id, '2.0.0', { host: 'h1', port: 7001 + n }));
  for (const instance of instances) await ctx.store.insertInstance(instance);
  const deployment = makeOperation({ id: 'dep-2', version: '2.0.0', status: 'succeeded', correlation_id: 'corr-release-2', created_at: T0, updated_at: COMPLETED, completed_at: COMPLETED });
  await ctx.store.insertOperation(deployment, instances.map((i) => makeTarget(i.instance_id, '1.0.0', '2.0.0', { operation_id: 'dep-2', status: 'succeeded' })));
  return { ctx, clock, meter, watcher };
}

function p0(startedAt: number): Alert {
  return {
    id: 'al-p0',
    name: 'NoReadyInstanceOnDesiredVersion',
    severity: 'P0',
    state: 'firing',
    service: 'hello',
    cause_key: 'NoReadyInstanceOnDesiredVersion:hello',
    summary: 'hello has no ready instance on its desired version 2.0.0 (2 instances)',
    current_version: '2.0.0',
    previous_version: '1.0.0',
    deploy_id: null,
    rollback_id: null,
    correlation_id: 'al-p0',
    runbook_url: null,
    oncall: null,
    started_at: startedAt,
    resolved_at: null,
  };
}

async function rollbacks(ctx: ServerContext) {
  return ctx.store.listOperations({ service: 'hello', kinds: ['rollback'], limit: 10 });
}

describe.each<StoreKind>(['in memory', 'SQLite'])('RollbackTriggerWatcher on the %s store', (kind) => {
  it('holds while the rates are healthy, then rolls back once when the success rate drops under the SLO', async () => {
    const { ctx, clock, meter, watcher } = await fleet(kind);
    meter.rates = { success_rate: 0.999 };
    expect(await watcher.tick()).toEqual([{ service: 'hello', state: 'holding', deploy_id: 'dep-2', unmeasured: [] }]);

    clock.now += MIN;
    meter.rates = { success_rate: 0.4 };
    const [outcome] = await watcher.tick();
    expect(outcome).toMatchObject({ state: 'rolled_back', deploy_id: 'dep-2', reason: { code: 'rollback_triggered', trigger: 'analysis' } });

    const [rollback] = await rollbacks(ctx);
    expect(rollback).toMatchObject({ version: '1.0.0', whole_service: true, actor: 'ferry:rollback-trigger', correlation_id: 'corr-release-2', reason: { code: 'rollback_triggered', trigger: 'analysis', deploy_id: 'dep-2' } });
    expect(rollback!.reason?.message).toMatch(/^rolling hello back to 1\.0\.0: the success rate of 2\.0\.0 is 0\.4, below min_success_rate 0\.99/);
    // ROLLBACK_MAX_MINUTES 5 bounds the rollback's waits; the service's 3600 s would not.
    expect(rollback!.strategy).toMatchObject({ progress_deadline_s: 300, healthy_deadline_s: 120 });
    const [event] = await ctx.store.listAudit({ type: 'rollback', deploy_id: rollback!.id, limit: 5 });
    expect(event).toMatchObject({ actor: 'ferry:rollback-trigger', version: '1.0.0', details: { trigger: 'analysis', target_reason: 'previous_version', rolled_back_deploy_id: 'dep-2', reason: rollback!.reason?.message } });

    // The rollback ends the watch: neither this watcher nor a restarted one rolls back again.
    clock.now += MIN;
    expect(await watcher.tick()).toEqual([{ service: 'hello', state: 'not_watching' }]);
    expect(await new RollbackTriggerWatcher(ctx, CONFIG, meter).tick()).toEqual([{ service: 'hello', state: 'not_watching' }]);
    expect(await rollbacks(ctx)).toHaveLength(1);
  });

  it('rolls back with trigger alert once a P0 alert of the service has fired for critical_alert_minutes, and pages it', async () => {
    const { ctx, clock, meter, watcher } = await fleet(kind, { watch_minutes: 30, critical_alert_minutes: 5 });
    await ctx.store.insertAlert(p0(COMPLETED + MIN));
    clock.now = COMPLETED + 5 * MIN;
    expect(await watcher.tick()).toMatchObject([{ state: 'holding' }]);
    expect(meter.measured).toBe(1);

    clock.now = COMPLETED + 6 * MIN;
    expect(await watcher.tick()).toMatchObject([{ state: 'rolled_back', reason: { trigger: 'alert' } }]);
    const [rollback] = await rollbacks(ctx);
    expect(rollback!.reason?.message).toContain('P0 alert NoReadyInstanceOnDesiredVersion (al-p0) has fired for 5 min (critical_alert_minutes 5)');

    const firing = await new AlertEvaluator(ctx, readAlertConfig({})).evaluateOnce();
    const paged = firing.find((a) => a.name === 'DeploymentRolledBack');
    expect(paged).toMatchObject({ severity: 'P0', rollback_id: rollback!.id });
    expect(paged!.summary).toContain(rollback!.reason!.message);
    const performed = firing.find((a) => a.name === 'RollbackPerformed' && a.rollback_id === rollback!.id);
    expect(performed!.summary.split(rollback!.reason!.message)).toHaveLength(2);
  });

  it('does nothing outside the watch window, however bad the rates', async () => {
    const { ctx, clock, meter, watcher } = await fleet(kind, { ...TRIGGERS, watch_minutes: 10 });
    meter.rates = { success_rate: 0 };
    clock.now = COMPLETED + 10 * MIN;
    expect(await watcher.tick()).toEqual([{ service: 'hello', state: 'not_watching' }]);
    expect(meter.measured).toBe(0);
    expect(await rollbacks(ctx)).toHaveLength(0);
  });

  it('a measurement that fails decides nothing: no rollback, and the next tick measures again', async () => {
    const { ctx, meter, watcher } = await fleet(kind);
    meter.rates = new Error('Prometheus at http://127.0.0.1:9 did not answer');
    expect(await watcher.tick()).toMatchObject([{ state: 'holding', unmeasured: ['success_rate'] }]);
    meter.rates = { error_rate: 0.5 };
    expect(await watcher.tick()).toMatchObject([{ state: 'rolled_back' }]);
    expect(await rollbacks(ctx)).toHaveLength(1);
  });

  it('a deployment that completes between the decision and the rollback voids the trigger: nothing is rolled back', async () => {
    const { ctx, clock, meter, watcher } = await fleet(kind);
    meter.rates = { success_rate: 0.1 };
    meter.during = async () => {
      const next = makeOperation({ id: 'dep-3', version: '3.0.0', status: 'succeeded', created_at: clock.now, updated_at: clock.now, completed_at: clock.now });
      await ctx.store.insertOperation(next, []);
    };
    expect(await watcher.tick()).toMatchObject([{ state: 'failed', deploy_id: 'dep-2', error: 'release_superseded' }]);
    expect(await rollbacks(ctx)).toHaveLength(0);
  });

  it('an operation running on the service is left alone: the trigger never preempts it', async () => {
    const { ctx, meter, watcher } = await fleet(kind);
    meter.rates = { success_rate: 0.1 };
    meter.during = async () => {
      await ctx.store.insertOperation(makeOperation({ id: 'dep-3', version: '3.0.0', status: 'running', created_at: ctx.now() }), []);
    };
    expect(await watcher.tick()).toMatchObject([{ state: 'failed', error: 'service_locked' }]);
    expect((await ctx.store.getOperation('dep-3'))?.status).toBe('running');
  });
});
