/**
 * Places new sessions in batches (group commit). Requests that arrive while a batch is
 * being written wait for the next one; each batch is one read transaction for its inputs
 * (per service, a fixed number of queries), the pure allocator run once per request on
 * counts that include the batch's earlier placements (so concurrent requests still spread
 * least-loaded), and one multi-row insert. Every promise resolves only after that insert
 * committed, so a 201 always names a durable session. Batches run one at a time, so each
 * one's counts include everything this server placed before it.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError, refusalError } from '../../../core/errors.js';
import { allocateSession } from '../../../core/sessions/allocate-session.js';
import type { Service, Session } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import { OpenSessionCounts } from './open-session-counts.js';
import { loadPlacementInputs, type PlacementInputs } from './placement-inputs.js';

export interface SessionRequest {
  service: string;
  tenant_id: string | null;
  ttl_s: number;
}

interface Pending {
  request: SessionRequest;
  resolve: (session: Session) => void;
  reject: (error: unknown) => void;
}

export class SessionPlacer {
  #queue: Pending[] = [];
  #running = false;
  readonly #openCounts = new OpenSessionCounts();

  /** `draw` yields the canary draw in [0, 1); tests pass a fixed sequence. */
  constructor(
    private readonly ctx: ServerContext,
    private readonly draw: () => number = Math.random,
  ) {}

  place(request: SessionRequest): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Let the requests already parsed in this turn of the event loop join the batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        // A bug must fail the batch's requests (500), never leave them hanging.
        await this.#placeBatch(batch).catch((error: unknown) => {
          for (const pending of batch) pending.reject(error);
        });
      }
    } finally {
      this.#running = false;
    }
  }

  async #placeBatch(batch: Pending[]): Promise<void> {
    const now = this.ctx.now();
    let inputs: Map<string, PlacementInputs | undefined>;
    try {
      inputs = await this.#loadInputs(batch, now);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    const placed: Array<{ pending: Pending; session: Session }> = [];
    for (const pending of batch) {
      const outcome = this.#placeOne(pending.request, inputs.get(pending.request.service), now);
      if (outcome instanceof Error) pending.reject(outcome);
      else placed.push({ pending, session: outcome });
    }
    try {
      await this.ctx.store.insertSessions(placed.map((p) => p.session));
    } catch (error) {
      for (const { pending } of placed) pending.reject(error);
      return;
    }
    for (const { pending, session } of placed) {
      this.#openCounts.placed(session.service, session.instance_id);
      this.ctx.metrics.countSessionAllocated(session.service, session.runtime_version);
      pending.resolve(session);
    }
  }

  /** Tells the load counts that a session which was open has ended. */
  ended(session: Session): void {
    this.#openCounts.ended(session.service, session.instance_id);
  }

  /** One read transaction for every service the batch names; undefined for an unknown service. */
  async #loadInputs(batch: Pending[], now: number): Promise<Map<string, PlacementInputs | undefined>> {
    const tenantsByService = new Map<string, Set<string>>();
    for (const { request } of batch) {
      const tenants = tenantsByService.get(request.service) ?? new Set<string>();
      if (request.tenant_id !== null) tenants.add(request.tenant_id);
      tenantsByService.set(request.service, tenants);
    }
    return this.ctx.store.transaction(async (tx) => {
      const hosts = new Map((await tx.listHosts()).map((h) => [h.host, h]));
      const result = new Map<string, PlacementInputs | undefined>();
      for (const [name, tenants] of tenantsByService) {
        const service: Service | undefined = await tx.getService(name);
        result.set(name, service === undefined ? undefined : await loadPlacementInputs(tx, service, tenants, hosts, this.#openCounts, { now, heartbeatS: this.ctx.timers.heartbeatS }));
      }
      return result;
    });
  }

  #placeOne(request: SessionRequest, inputs: PlacementInputs | undefined, now: number): Session | Error {
    if (inputs === undefined) {
      return new NotFoundError('service_not_found', `service ${request.service} is not declared; declare it with PUT /api/v1/services/${request.service}`, { service: request.service });
    }
    const decision = allocateSession({
      desired_version: inputs.service.desired_version,
      instances: inputs.candidates,
      operation: inputs.operation,
      tenant_version: request.tenant_id === null ? null : (inputs.tenantVersions.get(request.tenant_id) ?? null),
      draw: this.draw(),
    });
    if (!decision.ok) {
      this.ctx.metrics.countSessionRefused(inputs.service.name, decision.code);
      return refusalError(decision);
    }
    const { candidate, instance, address } = inputs.placement.get(decision.instance_id)!;
    candidate.open_sessions++;
    if (request.tenant_id !== null && inputs.operation !== null) inputs.tenantVersions.set(request.tenant_id, decision.runtime_version);
    return {
      session_id: `ses-${randomUUID()}`,
      service: inputs.service.name,
      tenant_id: request.tenant_id,
      instance_id: instance.instance_id,
      host: instance.host,
      address,
      port: instance.port,
      runtime_version: decision.runtime_version,
      created_at: now,
      expires_at: now + Math.round(request.ttl_s * 1000),
      ended_at: null,
    };
  }
}
