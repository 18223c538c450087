/**
 * The agent's workers, one per instance on this host: those the server assigns and those
 * found on disk. Applying a set of assignments hands each worker its goal and tells the
 * workers of instances the server no longer lists to stop and remove them.
 */
import type { Logger } from 'pino';
import type { Assignments, InstanceReport } from '../core/agent-protocol.js';
import { checkServiceName } from '../core/names.js';
import { goalLogFields } from './goal-log-fields.js';
import { instanceDir } from './host-layout.js';
import { InstanceWorker, type WorkerContext } from './instance-worker.js';

/** Instance ids become directory names: no separators, no leading dot. */
const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export class WorkerRegistry {
  private readonly workers = new Map<string, InstanceWorker>();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly log: Logger,
  ) {}

  /** A worker for an instance found on disk (adopted or not) before any assignment arrived. */
  addFromDisk(instanceId: string, service: string): void {
    if (!this.workers.has(instanceId)) this.workers.set(instanceId, this.create(instanceId, service));
  }

  /** Hands each assigned instance its goal; instances not listed are unassigned (removed). */
  apply(assignments: Assignments): void {
    const listed = new Set<string>();
    for (const a of assignments.instances) {
      if (!INSTANCE_ID_PATTERN.test(a.instance_id) || !checkServiceName(a.service).ok) {
        this.log.error({ instance_id: a.instance_id, service: a.service, ...goalLogFields(a) }, 'ignoring assignment with an unusable instance id or service name');
        continue;
      }
      listed.add(a.instance_id);
      let worker = this.workers.get(a.instance_id);
      if (worker === undefined) {
        worker = this.create(a.instance_id, a.service);
        this.workers.set(a.instance_id, worker);
      }
      worker.offer(a);
    }
    for (const [id, worker] of this.workers) if (!listed.has(id)) worker.unassign();
  }

  /** Every worker's report, and the ids of removed instances included for the last time. */
  reports(): { instances: InstanceReport[]; removed: string[] } {
    const workers = [...this.workers.values()];
    return { instances: workers.map((w) => w.report()), removed: workers.filter((w) => w.removed).map((w) => w.instanceId) };
  }

  /** Drops workers of removed instances once the server has been told they stopped. */
  forgetRemoved(ids: readonly string[]): void {
    for (const id of ids) if (this.workers.get(id)?.removed) this.workers.delete(id);
  }

  /** True while the instance's worker carries out a goal. */
  working(instanceId: string): boolean {
    return this.workers.get(instanceId)?.working ?? false;
  }

  observeAll(): Promise<void> {
    return Promise.all([...this.workers.values()].map((w) => w.observe())).then(() => undefined);
  }

  kickAll(): void {
    for (const worker of this.workers.values()) worker.kick();
  }

  /** Resolves when every worker is idle. */
  settled(): Promise<void> {
    return Promise.all([...this.workers.values()].map((w) => w.settled())).then(() => undefined);
  }

  private create(instanceId: string, service: string): InstanceWorker {
    return new InstanceWorker(this.ctx, instanceId, service, instanceDir(this.ctx.root, service, instanceId));
  }
}
