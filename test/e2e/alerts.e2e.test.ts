/**
 * Alerts end to end: a real server, agent and hello-service instances, a real Alertmanager
 * and a webhook that nobody listens on. A deployment of a release that crashes on start is
 * rolled back by Ferry; the P0 DeploymentRolledBack reaches Alertmanager with every label
 * and annotation and survives a server crash unduplicated, the dead webhook delays nothing
 * (its failures are logged and counted), and a later good deployment resolves the alert in
 * Ferry and in Alertmanager.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local-fleet/free-port.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { AlertmanagerProcess } from './alertmanager-process.js';
import { HelloService } from './rollout-support.js';

const SECRET = 'e2e-webhook-secret-never-logged';
const installed = AlertmanagerProcess.installed();
if (!installed) console.warn('alerts e2e skipped: /usr/bin/prometheus-alertmanager is not installed (Debian package prometheus-alertmanager)');

let alertmanager: AlertmanagerProcess;
let fleet: LocalFleet;
let svc: HelloService;

describe.skipIf(!installed)('alerts to a real Alertmanager after an automatic rollback', () => {
  beforeAll(async () => {
    alertmanager = await AlertmanagerProcess.start();
    fleet = await LocalFleet.start({
      hosts: ['local'],
      env: {
        FERRY_ALERTMANAGER_URL: alertmanager.url,
        OBS_ALERT_WEBHOOK: `http://127.0.0.1:${await freePort()}/nobody-listens`,
        FERRY_WEBHOOK_SECRET: SECRET,
        FERRY_RUNBOOK_BASE_URL: 'https://runbooks.test/ferry',
        FERRY_DEFAULT_ONCALL: 'platform-oncall',
        FERRY_ENVIRONMENT: 'e2e',
        FERRY_ALERT_EVAL_MS: '200',
        FERRY_ALERT_DELIVERY_POLL_MS: '100',
        FERRY_ALERT_RETRY_INITIAL_MS: '100',
        FERRY_ALERT_RETRY_MAX_MS: '500',
        FERRY_ALERTMANAGER_RESEND_S: '2',
      },
    });
    svc = await HelloService.declare(fleet, 'paged', 2, { oncall: 'team-paged' });
    for (const [version, behaviour] of [['v1', undefined], ['crashing', { crash_on_start: true }], ['v2', undefined]] as const) await svc.release(version, behaviour);
    expect((await svc.deployAndWait('v1')).status).toBe('succeeded');
  }, 90_000);

  afterAll(async () => {
    await svc?.remove();
    await fleet?.stop(['paged']);
    await alertmanager?.stop();
  }, 60_000);

  it('delivers the P0 with every label and annotation, then sees it resolved', async () => {
    const failed = await svc.deployAndWait('crashing', { timeout: 5 });
    expect(failed.status, JSON.stringify(failed.reason)).toBe('rolled_back');

    const { alerts } = await pollUntil('Ferry to open DeploymentRolledBack', async () => {
      const view = await fleet.api.get('/api/v1/alerts?service=paged&state=firing&severity=P0');
      return view.alerts.length > 0 ? view : undefined;
    });
    expect(alerts).toHaveLength(1);
    const p0 = alerts[0];
    expect(p0).toMatchObject({ name: 'DeploymentRolledBack', severity: 'P0', state: 'firing', service: 'paged', deploy_id: failed.deploy_id, current_version: 'crashing', previous_version: 'v1', oncall: 'team-paged' });

    const received = await pollUntil('Alertmanager to hold the P0', async () => (await alertmanager.alerts()).find((a) => a.labels.alertname === 'DeploymentRolledBack' && a.labels.service === 'paged'), { timeoutMs: 20_000 });
    expect(received.labels).toMatchObject({ alertname: 'DeploymentRolledBack', severity: 'P0', service: 'paged', environment: 'e2e' });
    expect(received.annotations).toMatchObject({
      summary: p0.summary,
      runbook_url: 'https://runbooks.test/ferry/DeploymentRolledBack',
      oncall: 'team-paged',
      current_version: 'crashing',
      previous_version: 'v1',
    });
    expect(received.status.state).toBe('active');

    // A server killed and restarted finds the same firing alert in the store: it opens no
    // second one, and sends the one it has to Alertmanager again.
    await fleet.server.kill9();
    await fleet.restartServer();
    const restartedAt = Date.now();
    await pollUntil('the restarted server to re-send the P0', async () => {
      const again = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'DeploymentRolledBack' && a.labels.service === 'paged');
      return again !== undefined && Date.parse(again.updatedAt) >= restartedAt ? true : undefined;
    }, { timeoutMs: 20_000 });
    const afterRestart = await fleet.api.get('/api/v1/alerts?service=paged&severity=P0');
    expect(afterRestart.alerts.map((a: { id: string; state: string }) => [a.id, a.state]), JSON.stringify(afterRestart.alerts)).toEqual([[p0.id, 'firing']]);
    const opened = await fleet.api.get('/api/v1/audit?service=paged&type=alert_opened');
    expect(opened.events.filter((e: { details: { name: string } }) => e.details.name === 'DeploymentRolledBack')).toHaveLength(1);

    // The dead webhook delayed nothing: the next deployment runs and resolves the alert.
    const fixed = await svc.deployAndWait('v2');
    expect(fixed.status, JSON.stringify(fixed.reason)).toBe('succeeded');
    await pollUntil('Ferry to resolve the P0', async () => {
      const view = await fleet.api.get(`/api/v1/alerts?service=paged&severity=P0`);
      return view.alerts.find((a: { id: string; state: string }) => a.id === p0.id && a.state === 'resolved');
    });
    await pollUntil(
      'Alertmanager to see the P0 resolved',
      async () => {
        const still = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'DeploymentRolledBack' && a.labels.service === 'paged');
        return still === undefined || Date.parse(still.endsAt) <= Date.now() ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const { events } = await fleet.api.get('/api/v1/audit?service=paged&type=alert_resolved');
    expect(events.map((e: { details: { name: string } }) => e.details.name)).toContain('DeploymentRolledBack');

    // The unreachable webhook's failures are logged with their code, and the secret is in no line.
    const log = await pollUntil('the server to log a failed webhook delivery', async () => {
      const text = readFileSync(join(fleet.dir, 'server', 'server.log'), 'utf8');
      return /"target":"webhook","error_code":"ECONNREFUSED"/.test(text) ? text : undefined;
    });
    expect(log).not.toContain(SECRET);
    // ...and counted, for the Prometheus that watches Ferry itself.
    const failures = /ferry_alert_deliveries_failed_total\{receiver="webhook"\} (\d+)/.exec(await fleet.api.text('/metrics'))?.[1];
    expect(Number(failures)).toBeGreaterThan(0);
  });
});
