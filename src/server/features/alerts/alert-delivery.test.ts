/**
 * The alert evaluator and the delivery worker on a real SQLite store, delivering over
 * real HTTP to receivers on 127.0.0.1. The clock is the test's: the worker is driven turn
 * by turn and the clock moved past each backoff, so nothing sleeps.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInstance, makeOperation, makeService, T0 } from '../../../testing/builders.js';
import { freePort } from '../../../local-fleet/free-port.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { readAlertConfig, type AlertConfig } from './alert-config.js';
import { AlertDeliveryWorker, type DeliveryFailure } from './alert-delivery-worker.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { WebhookReceiver, type WebhookBody } from './alert-receiver-fixtures.js';

const SECRET = 'whsec-test-not-a-real-one';
let now = T0 + 3_600_000;
let fake: FakeServerContext;
let ctx: ServerContext;
let logLines: string[];
const receivers: WebhookReceiver[] = [];

function configFor(env: Record<string, string>): AlertConfig {
  return readAlertConfig({ FERRY_RUNBOOK_BASE_URL: 'https://runbooks.test/ferry', FERRY_DEFAULT_ONCALL: 'platform', FERRY_ALERT_RETRY_INITIAL_MS: '100', FERRY_ALERT_RETRY_MAX_MS: '1000', FERRY_ALERT_GIVE_UP_S: '5', ...env });
}

async function receiver(opts: { secret?: string; failFirst?: number } = {}): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start(opts);
  receivers.push(r);
  return r;
}

/** Service web on 1.0.0, one ready instance, and deployment dep-2 of 2.0.0 that Ferry rolled back. */
async function rolledBackDeployment(): Promise<void> {
  await fake.store.putService(makeService({ name: 'web', desired_version: '1.0.0', previous_version: null, oncall: 'team-web' }));
  await fake.store.insertInstance(makeInstance('web-1', '1.0.0', { service: 'web', host: 'h1' }));
  await fake.store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: null, last_heartbeat_at: now, kept_releases: {} });
  const op = makeOperation({ id: 'dep-2', service: 'web', version: '2.0.0', status: 'rolled_back', correlation_id: 'corr-dep-2', reason: { code: 'version_mismatch', message: 'web-1 answered 1.0.0' }, created_at: now - 5000, updated_at: now, completed_at: now });
  await fake.store.insertOperation(op, []);
}

/** The agent of h1 reports now, so AgentSilent stays quiet while the test moves the clock. */
async function heartbeat(): Promise<void> {
  await fake.store.upsertHost({ host: 'h1', address: '127.0.0.1', agent_version: null, last_heartbeat_at: now, kept_releases: {} });
}

/** Runs worker turns, moving the clock past each backoff, until `done` or `turns` ran out. */
async function drive(worker: AlertDeliveryWorker, done: () => boolean, turns = 40): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) {
    await worker.drainOnce();
    now += 1000;
  }
}

beforeEach(async () => {
  now = T0 + 3_600_000;
  fake = await openFakeServerContext({ now: () => now });
  logLines = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (logLines.push(chunk.toString()), cb()) });
  ctx = { ...fake.ctx, log: pino({ level: 'debug' }, sink) };
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await fake.close();
});

describe('alert evaluation and webhook delivery', () => {
  it('opens the P0 once, audits it, and delivers it signed with every contract field', async () => {
    const hook = await receiver({ secret: SECRET });
    const config = configFor({ OBS_ALERT_WEBHOOK: hook.url, FERRY_WEBHOOK_SECRET: SECRET });
    await rolledBackDeployment();
    const rolledBackAt = now;
    const evaluator = new AlertEvaluator(ctx, config);
    const firing = await evaluator.evaluateOnce();
    expect(firing.map((a) => a.name).sort()).toEqual(['DeploymentRolledBack', 'RollbackPerformed']);
    expect(await evaluator.evaluateOnce()).toHaveLength(2);
    expect(await fake.store.listAlerts({})).toHaveLength(2);
    expect((await fake.store.listAudit({ type: 'alert_opened' })).map((e) => [e.details.name, e.correlation_id, e.deploy_id]).sort()).toEqual([
      ['DeploymentRolledBack', 'corr-dep-2', 'dep-2'],
      ['RollbackPerformed', 'corr-dep-2', 'dep-2'],
    ]);

    await drive(new AlertDeliveryWorker(ctx, config.delivery), () => hook.accepted.length > 0);
    expect(hook.accepted).toHaveLength(1);
    expect(hook.accepted[0]!.signatureValid).toBe(true);
    const p0 = (hook.accepted[0]!.body as WebhookBody).alerts.find((a) => a.name === 'DeploymentRolledBack');
    expect(p0).toMatchObject({
      severity: 'P0',
      state: 'firing',
      service: 'web',
      current_version: '2.0.0',
      previous_version: '1.0.0',
      deploy_id: 'dep-2',
      rollback_id: null,
      correlation_id: 'corr-dep-2',
      runbook_url: 'https://runbooks.test/ferry/DeploymentRolledBack',
      oncall: 'team-web',
      started_at: new Date(rolledBackAt).toISOString(),
      resolved_at: null,
    });
    expect(Object.keys(p0!)).toEqual(expect.arrayContaining(['id', 'name', 'severity', 'state', 'service', 'summary', 'current_version', 'previous_version', 'deploy_id', 'rollback_id', 'correlation_id', 'runbook_url', 'oncall', 'started_at', 'resolved_at']));
    expect(await fake.store.countAlertDeliveries()).toBe(0);
    expect(logLines.join('')).not.toContain(SECRET);
  });

  it('a receiver that fails the first 3 times still gets the alert exactly once', async () => {
    const hook = await receiver({ failFirst: 3 });
    const config = configFor({ OBS_ALERT_WEBHOOK: hook.url });
    const failures: DeliveryFailure[] = [];
    await rolledBackDeployment();
    await new AlertEvaluator(ctx, config).evaluateOnce();
    const worker = new AlertDeliveryWorker(ctx, config.delivery, (f) => failures.push(f));
    await drive(worker, () => hook.accepted.length > 0);
    await drive(worker, () => false, 10); // more turns deliver nothing more
    expect(hook.refused).toBe(3);
    expect(hook.accepted).toHaveLength(1);
    expect(failures).toEqual(Array.from({ length: 3 }, () => ({ target: 'webhook', error: 'http_503', gave_up: false })));
    expect(await fake.store.countAlertDeliveries()).toBe(0);
  });

  it('an unreachable webhook: the alert stands, each failure is counted, and the delivery is given up after the window', async () => {
    const config = configFor({ OBS_ALERT_WEBHOOK: `http://127.0.0.1:${await freePort()}/hook` });
    const failures: DeliveryFailure[] = [];
    await rolledBackDeployment();
    await new AlertEvaluator(ctx, config).evaluateOnce();
    await drive(new AlertDeliveryWorker(ctx, config.delivery, (f) => failures.push(f)), () => failures.some((f) => f.gave_up));
    expect(failures.length).toBeGreaterThan(1);
    expect(failures.at(-1)).toEqual({ target: 'webhook', error: 'ECONNREFUSED', gave_up: true });
    expect(await fake.store.countAlertDeliveries()).toBe(0);
    expect(await fake.store.listAlerts({ state: 'firing' })).toHaveLength(2);
    expect(logLines.some((l) => l.includes('alert delivery given up'))).toBe(true);
  });

  it('a restarted server (a new evaluator on the same store) opens nothing new, and resolves once a later deployment succeeds', async () => {
    const hook = await receiver();
    const config = configFor({ OBS_ALERT_WEBHOOK: hook.url });
    await rolledBackDeployment();
    await new AlertEvaluator(ctx, config).evaluateOnce();
    const worker = new AlertDeliveryWorker(ctx, config.delivery);
    await drive(worker, () => hook.accepted.length > 0);
    const restarted = new AlertEvaluator(ctx, config);
    now += 10_000;
    expect((await restarted.evaluateOnce()).length).toBe(2);
    expect(await fake.store.countAlertDeliveries()).toBe(0);
    expect(await fake.store.listAlerts({})).toHaveLength(2);

    await fake.store.insertOperation(makeOperation({ id: 'dep-3', service: 'web', version: '2.0.1', status: 'succeeded', created_at: now, updated_at: now, completed_at: now }), []);
    now += 1000;
    expect(await restarted.evaluateOnce()).toEqual([]);
    expect((await fake.store.listAlerts({ state: 'resolved' })).map((a) => a.name).sort()).toEqual(['DeploymentRolledBack', 'RollbackPerformed']);
    await drive(worker, () => hook.accepted.length > 1);
    expect((hook.accepted[1]!.body as WebhookBody).alerts.map((a) => [a.name, a.state, typeof a.resolved_at])).toEqual(
      expect.arrayContaining([
        ['DeploymentRolledBack', 'resolved', 'string'],
        ['RollbackPerformed', 'resolved', 'string'],
      ]),
    );
    expect((await fake.store.listAudit({ type: 'alert_resolved' })).length).toBe(2);
  });
});

describe('RollbackPerformed', () => {
  it('names the actor and the reason the person gave', async () => {
    await fake.store.putService(makeService({ name: 'web', desired_version: '1.0.0' }));
    await fake.store.insertOperation(makeOperation({ id: 'rb-1', kind: 'rollback', service: 'web', version: '0.9.0', status: 'running', actor: 'carol', created_at: now, updated_at: now }), []);
    await fake.store.appendAudit({ at: now, type: 'rollback', service: 'web', version: '0.9.0', instance_id: null, deploy_id: 'rb-1', actor: 'carol', correlation_id: 'c', details: { target_reason: 'to_version', reason: 'checkout errors after 1.0.0' } });
    const [alert] = await new AlertEvaluator(ctx, configFor({})).evaluateOnce();
    expect(alert).toMatchObject({ name: 'RollbackPerformed', severity: 'P2', rollback_id: 'rb-1', deploy_id: null });
    expect(alert!.summary).toBe('rollback rb-1 of web to 0.9.0 started by carol; reason: checkout errors after 1.0.0');
  });
});

describe('Alertmanager delivery', () => {
  it('posts to /api/v2/alerts, re-sends firing alerts after the resend interval, and sends endsAt on resolve', async () => {
    const am = await receiver();
    const config = configFor({ FERRY_ALERTMANAGER_URL: am.baseUrl, FERRY_ALERTMANAGER_RESEND_S: '30', FERRY_ENVIRONMENT: 'staging' });
    await rolledBackDeployment();
    const evaluator = new AlertEvaluator(ctx, config);
    const worker = new AlertDeliveryWorker(ctx, config.delivery);
    await evaluator.evaluateOnce();
    await drive(worker, () => am.accepted.length > 0);
    expect(am.accepted[0]!.path).toBe('/api/v2/alerts');
    const first = am.accepted[0]!.body as Array<{ labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt?: string }>;
    const p0 = first.find((a) => a.labels.alertname === 'DeploymentRolledBack')!;
    expect(p0.labels).toEqual({ alertname: 'DeploymentRolledBack', severity: 'P0', service: 'web', cause: 'DeploymentRolledBack:web:dep-2', environment: 'staging' });
    expect(p0.annotations).toMatchObject({ runbook_url: 'https://runbooks.test/ferry/DeploymentRolledBack', oncall: 'team-web', current_version: '2.0.0', previous_version: '1.0.0', deploy_id: 'dep-2', correlation_id: 'corr-dep-2' });
    expect(p0.endsAt).toBeUndefined();

    // Within the resend interval nothing is queued again; past it, every firing alert goes again.
    now += 10_000;
    await heartbeat();
    await evaluator.evaluateOnce();
    expect(await fake.store.countAlertDeliveries()).toBe(0);
    now += 25_000;
    await heartbeat();
    await evaluator.evaluateOnce();
    await drive(worker, () => am.accepted.length > 1);
    expect((am.accepted[1]!.body as Array<{ labels: { alertname: string } }>).map((a) => a.labels.alertname).sort()).toEqual(['DeploymentRolledBack', 'RollbackPerformed']);

    await fake.store.insertOperation(makeOperation({ id: 'dep-3', service: 'web', version: '2.0.1', status: 'succeeded', created_at: now, updated_at: now, completed_at: now }), []);
    now += 1000;
    await heartbeat();
    const resolvedAt = now;
    await evaluator.evaluateOnce();
    await drive(worker, () => am.accepted.length > 2);
    const last = am.accepted[2]!.body as Array<{ labels: { alertname: string }; endsAt?: string }>;
    expect(last.map((a) => [a.labels.alertname, a.endsAt]).sort()).toEqual([
      ['DeploymentRolledBack', new Date(resolvedAt).toISOString()],
      ['RollbackPerformed', new Date(resolvedAt).toISOString()],
    ]);
  });
});
