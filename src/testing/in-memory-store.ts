/**
 * Test support (not built): a Store held in memory that passes the whole store contract
 * suite next to SQLite and PostgreSQL (store.test.ts), so in-process tests can drive the
 * real applier, features and reconciler without a database file.
 *
 * Like SQLite, one database serves one statement or transaction at a time: every call
 * waits its turn on the database's queue, and a transaction runs on a copy of the tables
 * that replaces them only when its callback resolves, so a rolled-back transaction leaves
 * nothing. A nested `transaction` on a transaction-bound store joins the outer one (no
 * savepoints), and, as on SQLite, a call on the root store from inside a transaction
 * waits for that transaction and would deadlock: use only the `tx` store there.
 */
// One namespace for the domain types: the Store interface names them all again.
import type * as domain from '../core/types.js';
import { isActive } from '../core/operations/status-sets.js';
import { auditMatching, byText, copyOrUndefined, countOpenSessions, deleteExpiredSessions, instancesOf, lastTenantVersionOf, stampOnce } from './in-memory-queries.js';
import type { Alert, AlertDelivery } from '../core/alerts/alert-types.js';
import { DEFAULT_ALERT_LIMIT } from '../store/alert-queries.js';
import type { Evidence, EvidenceDraft } from '../core/readiness/evidence.js';
import type { Freeze } from '../core/freezes/freeze.js';
import type { ChannelEntry, ChannelEntryDraft } from '../core/channels/channel-entry.js';
import type { ReadinessEvaluation } from '../core/readiness/readiness-evaluation.js';
import type { Replay, ReplayFilter, ReplayPatch } from '../core/replay/replay-record.js';
import type { AnalysisMeasurement, AnalysisMeasurementDraft } from '../core/analysis/analysis-measurement.js';
import type { AlertDeliveryPatch, AlertFilter, AnalysisMeasurementFilter, AuditFilter, OperationFilter, OperationPatch, ReplayHoldCondition, ServiceVersionPatch, Store, TargetPatch } from '../store/store.js';
import * as rows from './in-memory-tables.js';
import { copyTables, detached, emptyTables, type MemoryTables } from './in-memory-tables.js';

/** One in-memory database: its committed tables and the queue its callers wait in. */
export class MemoryDatabase {
  committed: MemoryTables = emptyTables();
  #queue: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier call on this database has finished. */
  serialized<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.#queue.then(fn);
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}


export class InMemoryStore implements Store {
  #closed = false;
  /** Set while this store is bound to a running transaction. */
  readonly #tables: MemoryTables | undefined;
  #finished = false;

  constructor(
    readonly database: MemoryDatabase = new MemoryDatabase(),
    tables?: MemoryTables,
  ) {
    this.#tables = tables;
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#tables !== undefined) return fn(this);
    this.#assertOpen();
    return this.database.serialized(async () => {
      const tx = new InMemoryStore(this.database, copyTables(this.database.committed));
      try {
        const result = await fn(tx);
        this.database.committed = tx.#tables!;
        return result;
      } finally {
        tx.#finished = true;
      }
    });
  }

  /** Safe to call twice; later calls on a closed store throw. Calling it on a transaction-bound store is a bug. */
  async close(): Promise<void> {
    if (this.#tables !== undefined) throw new Error('close() called on a transaction-bound store; close the store that opened it');
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('in-memory store used after close()');
    if (this.#finished) throw new Error('transaction-bound store used after its transaction ended');
  }

  /** Runs one read or write on this store's tables: the transaction's, or a transaction of its own. */
  #run<T>(fn: (t: MemoryTables) => T): Promise<T> {
    this.#assertOpen();
    if (this.#tables !== undefined) {
      try {
        return Promise.resolve(fn(this.#tables));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // Each row function applies its whole write or throws before changing anything, so one
    // call outside a transaction needs no copy of the tables to be all or nothing.
    return this.database.serialized(async () => fn(this.database.committed));
  }

  insertRelease(release: domain.Release): Promise<void> {
    return this.#run((t) => rows.insertReleaseRow(t, release));
  }
  getRelease(service: string, version: string): Promise<domain.Release | undefined> {
    return this.#run((t) => copyOrUndefined(t.releases.get(rows.releaseKey(service, version))));
  }
  listReleases(service: string): Promise<domain.Release[]> {
    return this.#run((t) =>
      detached([...t.releases.values()].filter((r) => r.service === service).sort((a, b) => b.registered_at - a.registered_at || byText(b.version, a.version))),
    );
  }

  putService(service: domain.Service): Promise<void> {
    return this.#run((t) => {
      const existing = t.services.get(service.name);
      const kept = existing === undefined ? {} : { desired_version: existing.desired_version, previous_version: existing.previous_version, created_at: existing.created_at };
      t.services.set(service.name, detached({ ...service, ...kept }));
    });
  }
  getService(name: string): Promise<domain.Service | undefined> {
    return this.#run((t) => copyOrUndefined(t.services.get(name)));
  }
  listServices(): Promise<domain.Service[]> {
    return this.#run((t) => detached([...t.services.values()].sort((a, b) => byText(a.name, b.name))));
  }
  setServiceVersions(name: string, patch: ServiceVersionPatch): Promise<void> {
    return this.#run((t) => {
      const service = t.services.get(name);
      if (service === undefined) return;
      const { desired_version, previous_version, updated_at } = patch;
      t.services.set(name, detached({ ...service, desired_version, previous_version, updated_at }));
    });
  }

  insertInstance(instance: domain.Instance): Promise<void> {
    return this.#run((t) => rows.insertInstanceRow(t, instance));
  }
  getInstance(instanceId: string): Promise<domain.Instance | undefined> {
    return this.#run((t) => copyOrUndefined(t.instances.get(instanceId)));
  }
  listInstances(filter: { service?: string; host?: string }): Promise<domain.Instance[]> {
    return this.#run((t) => detached(instancesOf(t, filter)));
  }
  listInstancePlacements(service: string): Promise<domain.InstancePlacement[]> {
    return this.#run((t) =>
      detached(
        instancesOf(t, { service })
          .filter((i) => i.removed_at === null)
          .map((i): domain.InstancePlacement => ({
            instance_id: i.instance_id,
            host: i.host,
            port: i.port,
            removed_at: null,
            goal: { version: i.goal.version, generation: i.goal.generation },
            observed: i.observed === null ? null : { status: i.observed.status, version: i.observed.version, achieved_generation: i.observed.achieved_generation },
            isolation: i.isolation,
            replay_hold: i.replay_hold ?? null,
          })),
      ),
    );
  }
  setInstanceGoal(instanceId: string, goal: domain.InstanceGoal): Promise<void> {
    return this.#run((t) => rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, goal })));
  }
  setInstancePin(instanceId: string, pinnedVersion: string | null): Promise<void> {
    return this.#run((t) => rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, pinned_version: pinnedVersion })));
  }
  setReplayHold(instanceIds: string[], hold: domain.ReplayHold | null, opts: ReplayHoldCondition = {}): Promise<void> {
    return this.#run((t) => {
      for (const id of instanceIds) {
        if (opts.onlyIfReplayId !== undefined && t.instances.get(id)?.replay_hold?.replay_id !== opts.onlyIfReplayId) continue;
        rows.updateInstanceRow(t, id, (i) => ({ ...i, replay_hold: hold }));
      }
    });
  }
  updateInstanceTraffic(instanceId: string, expected: domain.InstanceTraffic | null, next: domain.InstanceTraffic | null): Promise<boolean> {
    return this.#run((t) => {
      const instance = t.instances.get(instanceId);
      if (instance === undefined || JSON.stringify(instance.traffic ?? null) !== JSON.stringify(expected)) return false;
      rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, traffic: next }));
      return true;
    });
  }
  setInstanceIsolation(instanceId: string, isolation: domain.InstanceIsolation | null): Promise<void> {
    return this.#run((t) => rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, isolation })));
  }
  markInstanceRemoved(instanceId: string, at: number): Promise<void> {
    return this.#run((t) => rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, removed_at: at })));
  }
  deleteInstance(instanceId: string): Promise<void> {
    return this.#run((t) => void t.instances.delete(instanceId));
  }
  recordObservation(instanceId: string, observation: domain.InstanceObservation): Promise<void> {
    return this.#run((t) => rows.updateInstanceRow(t, instanceId, (i) => ({ ...i, observed: observation })));
  }

  upsertHost(host: domain.Host): Promise<void> {
    return this.#run((t) => void t.hosts.set(host.host, detached(host)));
  }
  getHost(host: string): Promise<domain.Host | undefined> {
    return this.#run((t) => copyOrUndefined(t.hosts.get(host)));
  }
  listHosts(): Promise<domain.Host[]> {
    return this.#run((t) => detached([...t.hosts.values()].sort((a, b) => byText(a.host, b.host))));
  }

  insertOperation(operation: domain.Operation, targets: domain.OperationTarget[]): Promise<void> {
    return this.#run((t) => rows.insertOperationRows(t, operation, targets));
  }
  getOperation(id: string): Promise<domain.Operation | undefined> {
    return this.#run((t) => copyOrUndefined(t.operations.get(id)));
  }
  listOperations(filter: OperationFilter): Promise<domain.Operation[]> {
    return this.#run((t) => {
      const listed = [...t.operations.values()]
        .filter((o) => filter.service === undefined || o.service === filter.service)
        .filter((o) => filter.kinds === undefined || filter.kinds.includes(o.kind))
        .filter((o) => filter.activeOnly !== true || isActive(o.status))
        .sort((a, b) => b.created_at - a.created_at || byText(b.id, a.id));
      return detached(filter.limit === undefined ? listed : listed.slice(0, filter.limit));
    });
  }
  updateOperation(id: string, patch: OperationPatch): Promise<void> {
    return this.#run((t) => rows.updateOperationRow(t, id, patch));
  }
  listTargets(operationId: string): Promise<domain.OperationTarget[]> {
    return this.#run((t) => detached([...(t.targets.get(operationId)?.values() ?? [])].sort((a, b) => byText(a.instance_id, b.instance_id))));
  }
  updateTarget(operationId: string, instanceId: string, patch: TargetPatch): Promise<void> {
    return this.#run((t) => rows.updateTargetRow(t, operationId, instanceId, patch));
  }

  recordInstanceVersion(instanceId: string, version: string, at: number): Promise<void> {
    return this.#run((t) => rows.recordVersionRow(t, instanceId, version, at));
  }
  listInstanceHistory(instanceId: string): Promise<domain.VersionInterval[]> {
    return this.#run((t) => detached(t.history.get(instanceId) ?? []));
  }

  appendAudit(event: domain.AuditEventDraft): Promise<domain.AuditEvent> {
    return this.#run((t) => {
      const stored: domain.AuditEvent = detached({ ...event, trace_id: event.trace_id ?? null, request_id: event.request_id ?? null, id: t.nextAuditId });
      t.nextAuditId += 1;
      t.audit.push(stored);
      return detached(stored);
    });
  }
  listAudit(filter: AuditFilter): Promise<domain.AuditEvent[]> {
    return this.#run((t) => auditMatching(t, filter));
  }

  insertSessions(sessions: domain.Session[]): Promise<void> {
    return this.#run((t) => rows.insertSessionRows(t, sessions));
  }
  getSession(sessionId: string): Promise<domain.Session | undefined> {
    return this.#run((t) => copyOrUndefined(t.sessions.get(sessionId)));
  }
  endSession(sessionId: string, at: number): Promise<domain.Session | undefined> {
    return this.#run((t) => stampOnce(t.sessions, sessionId, 'ended_at', at));
  }
  countOpenSessionsByInstance(service: string, now: number): Promise<Record<string, number>> {
    return this.#run((t) => countOpenSessions(t, service, now));
  }
  lastTenantVersion(service: string, tenantId: string, since: number): Promise<string | undefined> {
    return this.#run((t) => lastTenantVersionOf(t, service, tenantId, since));
  }
  deleteSessionsExpiredBefore(cutoff: number, limit: number): Promise<number> {
    return this.#run((t) => deleteExpiredSessions(t, cutoff, limit));
  }

  insertToken(token: domain.ApiToken): Promise<void> {
    return this.#run((t) => rows.insertTokenRow(t, token));
  }
  findTokenBySecret(secretSha256: string): Promise<domain.ApiToken | undefined> {
    return this.#run((t) => copyOrUndefined([...t.tokens.values()].find((token) => token.secret_sha256 === secretSha256)));
  }
  getToken(tokenId: string): Promise<domain.ApiToken | undefined> {
    return this.#run((t) => copyOrUndefined(t.tokens.get(tokenId)));
  }
  listTokens(): Promise<domain.ApiToken[]> {
    return this.#run((t) => detached([...t.tokens.values()].sort((a, b) => a.created_at - b.created_at || byText(a.token_id, b.token_id))));
  }
  revokeToken(tokenId: string, at: number): Promise<domain.ApiToken | undefined> {
    return this.#run((t) => stampOnce(t.tokens, tokenId, 'revoked_at', at));
  }

  insertAlert(alert: Alert): Promise<void> {
    return this.#run((t) => rows.insertAlertRow(t, alert));
  }
  resolveAlert(id: string, at: number): Promise<Alert | undefined> {
    return this.#run((t) => {
      const alert = t.alerts.get(id);
      if (alert?.state === 'firing') t.alerts.set(id, { ...alert, state: 'resolved', resolved_at: at });
      return copyOrUndefined(t.alerts.get(id));
    });
  }
  listAlerts(filter: AlertFilter): Promise<Alert[]> {
    return this.#run((t) =>
      detached(
        [...t.alerts.values()]
          .filter((a) => (filter.state === undefined || a.state === filter.state) && (filter.service === undefined || a.service === filter.service))
          .filter((a) => filter.severity === undefined || a.severity === filter.severity)
          .sort((a, b) => b.started_at - a.started_at || byText(b.id, a.id))
          .slice(0, filter.limit ?? DEFAULT_ALERT_LIMIT),
      ),
    );
  }
  enqueueAlertDelivery(delivery: AlertDelivery, maxQueued: number): Promise<number> {
    return this.#run((t) => rows.enqueueDeliveryRow(t, delivery, maxQueued));
  }
  listDueAlertDeliveries(now: number, limit: number): Promise<AlertDelivery[]> {
    return this.#run((t) =>
      detached(
        [...t.alertDeliveries.values()]
          .filter((d) => d.next_attempt_at <= now)
          .sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.queued_at - b.queued_at)
          .slice(0, limit),
      ),
    );
  }
  countAlertDeliveries(): Promise<number> {
    return this.#run((t) => t.alertDeliveries.size);
  }
  updateAlertDelivery(deliveryId: string, patch: AlertDeliveryPatch): Promise<void> {
    return this.#run((t) => {
      const delivery = t.alertDeliveries.get(deliveryId);
      if (delivery !== undefined) t.alertDeliveries.set(deliveryId, { ...delivery, ...detached(patch) });
    });
  }
  deleteAlertDelivery(deliveryId: string): Promise<void> {
    return this.#run((t) => void t.alertDeliveries.delete(deliveryId));
  }

  appendEvidence(draft: EvidenceDraft): Promise<Evidence> {
    return this.#run((t) => {
      const stored: Evidence = detached({ ...draft, id: t.nextEvidenceId });
      t.nextEvidenceId += 1;
      t.evidence.push(stored);
      return detached(stored);
    });
  }
  listEvidence(service: string, version: string): Promise<Evidence[]> {
    return this.#run((t) => detached(t.evidence.filter((e) => e.service === service && e.version === version)));
  }

  insertFreeze(freeze: Freeze): Promise<void> {
    return this.#run((t) => rows.insertFreezeRow(t, freeze));
  }
  getFreeze(freezeId: string): Promise<Freeze | undefined> {
    return this.#run((t) => copyOrUndefined(t.freezes.get(freezeId)));
  }
  listFreezes(): Promise<Freeze[]> {
    return this.#run((t) => detached([...t.freezes.values()].filter((f) => f.removed_at === null).sort((a, b) => a.created_at - b.created_at || byText(a.freeze_id, b.freeze_id))));
  }
  removeFreeze(freezeId: string, at: number, actor: string): Promise<Freeze | undefined> {
    return this.#run((t) => {
      const freeze = t.freezes.get(freezeId);
      if (freeze === undefined) return undefined;
      if (freeze.removed_at === null) t.freezes.set(freezeId, { ...freeze, removed_at: at, removed_by: actor });
      return copyOrUndefined(t.freezes.get(freezeId));
    });
  }
  appendChannelEntry(draft: ChannelEntryDraft): Promise<ChannelEntry> {
    return this.#run((t) => {
      const stored: ChannelEntry = detached({ ...draft, id: t.nextChannelEntryId, soak_started_at: null });
      t.nextChannelEntryId += 1;
      t.channelHistory.push(stored);
      return detached(stored);
    });
  }
  listChannelHistory(service: string, channel: string, limit: number): Promise<ChannelEntry[]> {
    return this.#run((t) => detached(t.channelHistory.filter((e) => e.service === service && e.channel === channel).reverse().slice(0, limit)));
  }
  channelEntryOfOperation(deployId: string): Promise<ChannelEntry | undefined> {
    return this.#run((t) => copyOrUndefined(t.channelHistory.filter((e) => e.deploy_id === deployId).at(-1)));
  }
  startChannelSoak(deployId: string, at: number): Promise<void> {
    return this.#run((t) => {
      // Rows are replaced, not changed in place: a transaction's copy shares them with the committed tables.
      t.channelHistory = t.channelHistory.map((e) => (e.deploy_id === deployId && e.soak_started_at === null ? { ...e, soak_started_at: at } : e));
    });
  }
  putReadinessEvaluation(evaluation: ReadinessEvaluation): Promise<void> {
    return this.#run((t) => void t.readiness.set(`${evaluation.service}\u0000${evaluation.version}`, detached(evaluation)));
  }
  getReadinessEvaluation(service: string, version: string): Promise<ReadinessEvaluation | undefined> {
    return this.#run((t) => copyOrUndefined(t.readiness.get(`${service}\u0000${version}`)));
  }
  insertReplay(replay: Replay): Promise<void> {
    return this.#run((t) => {
      if (t.replays.has(replay.replay_id)) throw new rows.ConstraintError('replays_pk', `${replay.replay_id} exists`);
      t.replays.set(replay.replay_id, detached(replay));
    });
  }
  updateReplay(replayId: string, patch: ReplayPatch): Promise<void> {
    return this.#run((t) => {
      const replay = t.replays.get(replayId);
      if (replay !== undefined) t.replays.set(replayId, detached({ ...replay, ...patch }));
    });
  }
  getReplay(replayId: string): Promise<Replay | undefined> {
    return this.#run((t) => copyOrUndefined(t.replays.get(replayId)));
  }
  listReplays(filter: ReplayFilter): Promise<Replay[]> {
    return this.#run((t) =>
      detached(
        [...t.replays.values()]
          .filter((r) => (filter.service === undefined || r.service === filter.service) && (filter.version === undefined || r.version === filter.version) && (filter.status === undefined || r.status === filter.status))
          .filter((r) => filter.stagingHost === undefined || (r.staging !== null && r.staging.host === filter.stagingHost && r.staging.wanted))
          .sort((a, b) => (b.started_at - a.started_at || (a.replay_id < b.replay_id ? 1 : -1)) * (filter.oldestFirst === true ? -1 : 1))
          .slice(0, filter.limit ?? 100)
          // As the database lists them: the stored answers are read by id only.
          .map((r) => ({ ...r, answers: null })),
      ),
    );
  }
  appendAnalysisMeasurement(draft: AnalysisMeasurementDraft): Promise<AnalysisMeasurement> {
    return this.#run((t) => {
      const stored: AnalysisMeasurement = detached({ ...draft, id: t.nextAnalysisMeasurementId });
      t.nextAnalysisMeasurementId += 1;
      t.analysisMeasurements.push(stored);
      return detached(stored);
    });
  }
  listAnalysisMeasurements(operationId: string, filter: AnalysisMeasurementFilter = {}): Promise<AnalysisMeasurement[]> {
    return this.#run((t) =>
      detached(
        t.analysisMeasurements
          .filter((m) => m.operation_id === operationId && (filter.phase === undefined || m.phase === filter.phase))
          .sort((a, b) => a.measured_at - b.measured_at || a.id - b.id),
      ),
    );
  }
}
