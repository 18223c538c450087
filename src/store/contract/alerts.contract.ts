/** Store contract: alerts (one firing per cause, resolved once, newest first) and the bounded delivery outbox. */
import { describe, expect, it } from 'vitest';
import type { Alert, AlertDelivery } from '../../core/alerts/alert-types.js';
import type { ContractContext } from './contract-context.js';

const NOW = 1_700_000_100_000;

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'al-1',
    name: 'DeploymentRolledBack',
    severity: 'P0',
    state: 'firing',
    service: 'web',
    cause_key: 'DeploymentRolledBack:web:dep-1',
    summary: 'deployment dep-1 of web to 2.0.0 was rolled back automatically',
    current_version: '2.0.0',
    previous_version: '1.0.0',
    deploy_id: 'dep-1',
    rollback_id: null,
    correlation_id: 'corr-1',
    runbook_url: 'https://runbooks.test/DeploymentRolledBack',
    oncall: 'team-web',
    started_at: NOW,
    resolved_at: null,
    ...overrides,
  };
}

function delivery(id: string, queuedAt: number, overrides: Partial<AlertDelivery> = {}): AlertDelivery {
  return { delivery_id: id, target: 'webhook', alerts: [sampleAlert()], attempts: 0, next_attempt_at: queuedAt, queued_at: queuedAt, last_error: null, ...overrides };
}

export function alertsContract(ctx: ContractContext): void {
  describe('alerts', () => {
    it('round-trips an alert with its nullable fields', async () => {
      const full = sampleAlert();
      const bare = sampleAlert({ id: 'al-2', cause_key: 'AgentSilent:web:h1', name: 'AgentSilent', severity: 'P1', current_version: null, previous_version: null, deploy_id: null, runbook_url: null, oncall: null, started_at: NOW + 1 });
      await ctx.store().insertAlert(full);
      await ctx.store().insertAlert(bare);
      expect(await ctx.store().listAlerts({})).toEqual([bare, full]);
    });

    it('refuses a second firing alert for one cause, and allows a new one once the first is resolved', async () => {
      await ctx.store().insertAlert(sampleAlert());
      await expect(ctx.store().insertAlert(sampleAlert({ id: 'al-2' }))).rejects.toThrow();
      expect((await ctx.store().resolveAlert('al-1', NOW + 5))?.state).toBe('resolved');
      await ctx.store().insertAlert(sampleAlert({ id: 'al-2', started_at: NOW + 10 }));
      expect((await ctx.store().listAlerts({ state: 'firing' })).map((a) => a.id)).toEqual(['al-2']);
    });

    it('resolves once, keeping the first resolved_at; an unknown id is undefined', async () => {
      await ctx.store().insertAlert(sampleAlert());
      expect(await ctx.store().resolveAlert('al-1', NOW + 5)).toEqual(sampleAlert({ state: 'resolved', resolved_at: NOW + 5 }));
      expect((await ctx.store().resolveAlert('al-1', NOW + 9))?.resolved_at).toBe(NOW + 5);
      expect(await ctx.store().resolveAlert('nothing', NOW)).toBeUndefined();
    });

    it('filters by state, service and severity, newest first, capped by limit', async () => {
      await ctx.store().insertAlert(sampleAlert());
      await ctx.store().insertAlert(sampleAlert({ id: 'al-2', cause_key: 'k2', service: 'api', severity: 'P1', name: 'DeploymentFailed', started_at: NOW + 1 }));
      await ctx.store().insertAlert(sampleAlert({ id: 'al-3', cause_key: 'k3', started_at: NOW + 2 }));
      await ctx.store().resolveAlert('al-3', NOW + 3);
      const ids = async (f: Parameters<ReturnType<ContractContext['store']>['listAlerts']>[0]) => (await ctx.store().listAlerts(f)).map((a) => a.id);
      expect(await ids({})).toEqual(['al-3', 'al-2', 'al-1']);
      expect(await ids({ state: 'firing' })).toEqual(['al-2', 'al-1']);
      expect(await ids({ service: 'web' })).toEqual(['al-3', 'al-1']);
      expect(await ids({ severity: 'P1' })).toEqual(['al-2']);
      expect(await ids({ state: 'resolved', service: 'web', severity: 'P0' })).toEqual(['al-3']);
      expect(await ids({ limit: 1 })).toEqual(['al-3']);
    });

    it('a failed transaction leaves no alert behind', async () => {
      await expect(
        ctx.store().transaction(async (tx) => {
          await tx.insertAlert(sampleAlert());
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ctx.store().listAlerts({})).toEqual([]);
    });
  });

  describe('alert delivery outbox', () => {
    it('round-trips deliveries, lists the due ones longest waiting first, reschedules and deletes', async () => {
      await ctx.store().enqueueAlertDelivery(delivery('d1', NOW), 10);
      await ctx.store().enqueueAlertDelivery(delivery('d2', NOW + 1, { target: 'alertmanager' }), 10);
      await ctx.store().enqueueAlertDelivery(delivery('d3', NOW + 2, { next_attempt_at: NOW + 1000 }), 10);
      expect(await ctx.store().listDueAlertDeliveries(NOW + 5, 10)).toEqual([delivery('d1', NOW), delivery('d2', NOW + 1, { target: 'alertmanager' })]);
      await ctx.store().updateAlertDelivery('d1', { attempts: 1, next_attempt_at: NOW + 2000, last_error: 'http_503' });
      expect((await ctx.store().listDueAlertDeliveries(NOW + 5, 10)).map((d) => d.delivery_id)).toEqual(['d2']);
      expect((await ctx.store().listDueAlertDeliveries(NOW + 2000, 1)).map((d) => d.delivery_id)).toEqual(['d2']);
      expect((await ctx.store().listDueAlertDeliveries(NOW + 2000, 10)).find((d) => d.delivery_id === 'd1')).toMatchObject({ attempts: 1, last_error: 'http_503' });
      await ctx.store().deleteAlertDelivery('d2');
      expect(await ctx.store().countAlertDeliveries()).toBe(2);
    });

    it('is bounded: a full queue drops its oldest deliveries first and says how many', async () => {
      for (let i = 0; i < 3; i++) expect(await ctx.store().enqueueAlertDelivery(delivery(`d${i}`, NOW + i), 3)).toBe(0);
      expect(await ctx.store().enqueueAlertDelivery(delivery('d3', NOW + 3), 3)).toBe(1);
      expect(await ctx.store().enqueueAlertDelivery(delivery('d4', NOW + 4), 2)).toBe(2);
      expect((await ctx.store().listDueAlertDeliveries(NOW + 10, 10)).map((d) => d.delivery_id)).toEqual(['d3', 'd4']);
    });

    it('survives reopening the store', async () => {
      await ctx.store().enqueueAlertDelivery(delivery('d1', NOW), 10);
      await ctx.store().insertAlert(sampleAlert());
      const reopened = await ctx.fixture().reopen();
      expect(await reopened.countAlertDeliveries()).toBe(1);
      expect(await reopened.listAlerts({ state: 'firing' })).toEqual([sampleAlert()]);
    });
  });
}
