/**
 * The Store on kysely, one class for SQLite and PostgreSQL. Each method delegates to the
 * query module of its feature; this class owns only the transaction boundaries and the
 * lifetime of the connection. A KyselyStore wraps either the root Kysely instance or one
 * transaction; the transaction-bound one reuses its transaction for nested `transaction`
 * calls, so no nested BEGIN is ever sent.
 */
import type { Kysely } from 'kysely';
import type {
  ApiToken,
  AuditEvent,
  AuditEventDraft,
  Host,
  Instance,
  InstanceGoal,
  InstanceIsolation,
  ReplayHold,
  InstanceTraffic,
  InstanceObservation,
  InstancePlacement,
  Operation,
  OperationTarget,
  Release,
  Service,
  Session,
  VersionInterval,
} from '../core/types.js';
import type { Alert, AlertDelivery } from '../core/alerts/alert-types.js';
import type { Evidence, EvidenceDraft } from '../core/readiness/evidence.js';
import type { ChannelEntry, ChannelEntryDraft } from '../core/channels/channel-entry.js';
import type { ReadinessEvaluation } from '../core/readiness/readiness-evaluation.js';
import type { Replay, ReplayFilter, ReplayPatch } from '../core/replay/replay-record.js';
import * as alertDeliveries from './alert-delivery-queries.js';
import * as alerts from './alert-queries.js';
import * as audit from './audit-queries.js';
import * as evidence from './evidence-queries.js';
import * as freezes from './freeze-queries.js';
import type { Freeze } from '../core/freezes/freeze.js';
import * as channels from './channel-queries.js';
import * as readiness from './readiness-queries.js';
import * as replays from './replay-queries.js';
import * as analysis from './analysis-queries.js';
import type { AnalysisMeasurement, AnalysisMeasurementDraft } from '../core/analysis/analysis-measurement.js';
import type { Database } from './database-schema.js';
import * as history from './history-queries.js';
import * as hosts from './host-queries.js';
import * as instances from './instance-queries.js';
import * as operations from './operation-queries.js';
import * as releases from './release-queries.js';
import * as services from './service-queries.js';
import * as sessions from './session-queries.js';
import * as tokens from './token-queries.js';
import type { AlertDeliveryPatch, AlertFilter, AnalysisMeasurementFilter, AuditFilter, OperationFilter, OperationPatch, ReplayHoldCondition, ServiceVersionPatch, Store, TargetPatch } from './store.js';

export class KyselyStore implements Store {
  #closed = false;

  /** `db` is the root Kysely instance, or a transaction for a store bound to it. */
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.#inTransaction((trx) => fn(trx === this.db ? this : new KyselyStore(trx)));
  }

  /** Runs `fn` on this store's transaction, or on a new one when the store is not bound to one. */
  #inTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this.db);
    return this.db.transaction().execute(fn);
  }

  /** Destroys the connection (pool); safe to call twice. Calling it on a transaction-bound store is a bug. */
  async close(): Promise<void> {
    if (this.db.isTransaction) throw new Error('close() called on a transaction-bound store; close the store that opened it');
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }

  insertRelease(release: Release): Promise<void> {
    return releases.insertRelease(this.db, release);
  }
  getRelease(service: string, version: string): Promise<Release | undefined> {
    return releases.getRelease(this.db, service, version);
  }
  listReleases(service: string): Promise<Release[]> {
    return releases.listReleases(this.db, service);
  }

  putService(service: Service): Promise<void> {
    return services.putService(this.db, service);
  }
  getService(name: string): Promise<Service | undefined> {
    return services.getService(this.db, name);
  }
  listServices(): Promise<Service[]> {
    return services.listServices(this.db);
  }
  setServiceVersions(name: string, patch: ServiceVersionPatch): Promise<void> {
    return services.setServiceVersions(this.db, name, patch);
  }

  insertInstance(instance: Instance): Promise<void> {
    return instances.insertInstance(this.db, instance);
  }
  getInstance(instanceId: string): Promise<Instance | undefined> {
    return instances.getInstance(this.db, instanceId);
  }
  listInstances(filter: { service?: string; host?: string }): Promise<Instance[]> {
    return instances.listInstances(this.db, filter);
  }
  listInstancePlacements(service: string): Promise<InstancePlacement[]> {
    return instances.listInstancePlacements(this.db, service);
  }
  setInstanceGoal(instanceId: string, goal: InstanceGoal): Promise<void> {
    return instances.setInstanceGoal(this.db, instanceId, goal);
  }
  setInstancePin(instanceId: string, pinnedVersion: string | null): Promise<void> {
    return instances.setInstancePin(this.db, instanceId, pinnedVersion);
  }
  markInstanceRemoved(instanceId: string, at: number): Promise<void> {
    return instances.markInstanceRemoved(this.db, instanceId, at);
  }
  deleteInstance(instanceId: string): Promise<void> {
    return instances.deleteInstance(this.db, instanceId);
  }
  setReplayHold(instanceIds: string[], hold: ReplayHold | null, opts?: ReplayHoldCondition): Promise<void> {
    return instances.setReplayHold(this.db, instanceIds, hold, opts);
  }
  updateInstanceTraffic(instanceId: string, expected: InstanceTraffic | null, next: InstanceTraffic | null): Promise<boolean> {
    return instances.updateInstanceTraffic(this.db, instanceId, expected, next);
  }
  setInstanceIsolation(instanceId: string, isolation: InstanceIsolation | null): Promise<void> {
    return instances.setInstanceIsolation(this.db, instanceId, isolation);
  }

  recordObservation(instanceId: string, observation: InstanceObservation): Promise<void> {
    return instances.recordObservation(this.db, instanceId, observation);
  }

  upsertHost(host: Host): Promise<void> {
    return hosts.upsertHost(this.db, host);
  }
  getHost(host: string): Promise<Host | undefined> {
    return hosts.getHost(this.db, host);
  }
  listHosts(): Promise<Host[]> {
    return hosts.listHosts(this.db);
  }

  insertOperation(operation: Operation, targets: OperationTarget[]): Promise<void> {
    return this.#inTransaction((trx) => operations.insertOperation(trx, operation, targets));
  }
  getOperation(id: string): Promise<Operation | undefined> {
    return operations.getOperation(this.db, id);
  }
  listOperations(filter: OperationFilter): Promise<Operation[]> {
    return operations.listOperations(this.db, filter);
  }
  updateOperation(id: string, patch: OperationPatch): Promise<void> {
    return operations.updateOperation(this.db, id, patch);
  }
  listTargets(operationId: string): Promise<OperationTarget[]> {
    return operations.listTargets(this.db, operationId);
  }
  updateTarget(operationId: string, instanceId: string, patch: TargetPatch): Promise<void> {
    return operations.updateTarget(this.db, operationId, instanceId, patch);
  }

  recordInstanceVersion(instanceId: string, version: string, at: number): Promise<void> {
    return this.#inTransaction((trx) => history.recordInstanceVersion(trx, instanceId, version, at));
  }
  listInstanceHistory(instanceId: string): Promise<VersionInterval[]> {
    return history.listInstanceHistory(this.db, instanceId);
  }

  appendAudit(event: AuditEventDraft): Promise<AuditEvent> {
    return audit.appendAudit(this.db, event);
  }
  listAudit(filter: AuditFilter): Promise<AuditEvent[]> {
    return audit.listAudit(this.db, filter);
  }

  insertSessions(list: Session[]): Promise<void> {
    return sessions.insertSessions(this.db, list);
  }
  getSession(sessionId: string): Promise<Session | undefined> {
    return sessions.getSession(this.db, sessionId);
  }
  endSession(sessionId: string, at: number): Promise<Session | undefined> {
    return this.#inTransaction((trx) => sessions.endSession(trx, sessionId, at));
  }
  countOpenSessionsByInstance(service: string, now: number): Promise<Record<string, number>> {
    return sessions.countOpenSessionsByInstance(this.db, service, now);
  }
  lastTenantVersion(service: string, tenantId: string, since: number): Promise<string | undefined> {
    return sessions.lastTenantVersion(this.db, service, tenantId, since);
  }
  deleteSessionsExpiredBefore(cutoff: number, limit: number): Promise<number> {
    return sessions.deleteSessionsExpiredBefore(this.db, cutoff, limit);
  }

  insertToken(token: ApiToken): Promise<void> {
    return tokens.insertToken(this.db, token);
  }
  findTokenBySecret(secretSha256: string): Promise<ApiToken | undefined> {
    return tokens.findTokenBySecret(this.db, secretSha256);
  }
  getToken(tokenId: string): Promise<ApiToken | undefined> {
    return tokens.getToken(this.db, tokenId);
  }
  listTokens(): Promise<ApiToken[]> {
    return tokens.listTokens(this.db);
  }
  revokeToken(tokenId: string, at: number): Promise<ApiToken | undefined> {
    return this.#inTransaction((trx) => tokens.revokeToken(trx, tokenId, at));
  }

  insertAlert(alert: Alert): Promise<void> {
    return alerts.insertAlert(this.db, alert);
  }
  resolveAlert(id: string, at: number): Promise<Alert | undefined> {
    return this.#inTransaction((trx) => alerts.resolveAlert(trx, id, at));
  }
  listAlerts(filter: AlertFilter): Promise<Alert[]> {
    return alerts.listAlerts(this.db, filter);
  }
  enqueueAlertDelivery(delivery: AlertDelivery, maxQueued: number): Promise<number> {
    return this.#inTransaction((trx) => alertDeliveries.enqueueAlertDelivery(trx, delivery, maxQueued));
  }
  listDueAlertDeliveries(now: number, limit: number): Promise<AlertDelivery[]> {
    return alertDeliveries.listDueAlertDeliveries(this.db, now, limit);
  }
  countAlertDeliveries(): Promise<number> {
    return alertDeliveries.countAlertDeliveries(this.db);
  }
  updateAlertDelivery(deliveryId: string, patch: AlertDeliveryPatch): Promise<void> {
    return alertDeliveries.updateAlertDelivery(this.db, deliveryId, patch);
  }
  deleteAlertDelivery(deliveryId: string): Promise<void> {
    return alertDeliveries.deleteAlertDelivery(this.db, deliveryId);
  }

  appendEvidence(draft: EvidenceDraft): Promise<Evidence> {
    return evidence.appendEvidence(this.db, draft);
  }
  listEvidence(service: string, version: string): Promise<Evidence[]> {
    return evidence.listEvidence(this.db, service, version);
  }

  insertFreeze(freeze: Freeze): Promise<void> {
    return freezes.insertFreeze(this.db, freeze);
  }
  getFreeze(freezeId: string): Promise<Freeze | undefined> {
    return freezes.getFreeze(this.db, freezeId);
  }
  listFreezes(): Promise<Freeze[]> {
    return freezes.listFreezes(this.db);
  }
  removeFreeze(freezeId: string, at: number, actor: string): Promise<Freeze | undefined> {
    return this.#inTransaction((trx) => freezes.removeFreeze(trx, freezeId, at, actor));
  }
  appendChannelEntry(draft: ChannelEntryDraft): Promise<ChannelEntry> {
    return channels.appendChannelEntry(this.db, draft);
  }
  listChannelHistory(service: string, channel: string, limit: number): Promise<ChannelEntry[]> {
    return channels.listChannelHistory(this.db, service, channel, limit);
  }
  channelEntryOfOperation(deployId: string): Promise<ChannelEntry | undefined> {
    return channels.channelEntryOfOperation(this.db, deployId);
  }
  startChannelSoak(deployId: string, at: number): Promise<void> {
    return channels.startChannelSoak(this.db, deployId, at);
  }
  putReadinessEvaluation(evaluation: ReadinessEvaluation): Promise<void> {
    return readiness.putReadinessEvaluation(this.db, evaluation);
  }
  getReadinessEvaluation(service: string, version: string): Promise<ReadinessEvaluation | undefined> {
    return readiness.getReadinessEvaluation(this.db, service, version);
  }

  insertReplay(replay: Replay): Promise<void> {
    return replays.insertReplay(this.db, replay);
  }
  updateReplay(replayId: string, patch: ReplayPatch): Promise<void> {
    return replays.updateReplay(this.db, replayId, patch);
  }
  getReplay(replayId: string): Promise<Replay | undefined> {
    return replays.getReplay(this.db, replayId);
  }
  listReplays(filter: ReplayFilter): Promise<Replay[]> {
    return replays.listReplays(this.db, filter);
  }
  appendAnalysisMeasurement(draft: AnalysisMeasurementDraft): Promise<AnalysisMeasurement> {
    return analysis.appendAnalysisMeasurement(this.db, draft);
  }
  listAnalysisMeasurements(operationId: string, filter?: AnalysisMeasurementFilter): Promise<AnalysisMeasurement[]> {
    return analysis.listAnalysisMeasurements(this.db, operationId, filter);
  }
}
