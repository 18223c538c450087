/**
 * The one loop that moves operations forward (and, after them, handles drift and refreshes
 * the fleet gauges of /metrics). Level-triggered like a Kubernetes
 * controller: each pass reads every active operation, its targets and instances from
 * the store, asks the pure planner what to do, and applies the plan in one
 * transaction. Nothing lives only in memory, so a restarted server resumes every
 * operation where the store says it stood. It runs only while `ctx.leadership` says this
 * process leads: a non-leader's timer, wake-ups and kicks start no pass, and becoming
 * leader starts one at once.
 */
import type { ServerContext } from '../server-context.js';
import { DriftReconciler } from './drift-reconciler.js';
import { reconcileOperation, type OperationSensors } from './reconcile-operation.js';
import { CoalescingRun } from '../coalescing-run.js';
import { analysisJudgementFor } from '../features/analysis/analysis-judgement-source.js';
import type { AlertEvaluator } from '../features/alerts/alert-evaluator.js';
import { FleetGaugeRefresh } from '../metrics/fleet-gauge-refresh.js';

/** How often the loop looks at a drain whose connections have not ended yet. */
const DRAIN_POLL_MS = 50;

export class OperationReconciler {
  private timer: NodeJS.Timeout | undefined;
  private drainPoll: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set by a pass that changed an operation's status (or started a rebuild): another pass follows at once. */
  private again = false;
  /** Passes until quiet; a kick during them asks for one more round. */
  private readonly passes = new CoalescingRun(
    () => this.passesUntilQuiet(),
    () => !this.stopped && this.ctx.leadership.isLeader(),
  );
  private readonly trafficSync = new CoalescingRun(
    () => this.syncTrafficOnce(),
    () => !this.stopped,
  );
  private unsubscribe: Array<() => void> = [];
  private readonly drift: DriftReconciler;
  private readonly gauges: FleetGaugeRefresh;

  /** `alerts` evaluates the alert rules after each pass (at most every FERRY_ALERT_EVAL_MS); none in tests that do not need it. */
  constructor(
    private readonly ctx: ServerContext,
    private readonly alerts?: AlertEvaluator,
  ) {
    this.drift = new DriftReconciler(ctx);
    this.gauges = new FleetGaugeRefresh(ctx);
  }

  start(): void {
    this.unsubscribe = [
      this.ctx.wake.onReconcile(() => this.kick()),
      this.ctx.leadership.onChange((leader) => {
        if (leader) this.kick();
      }),
    ];
    this.timer = setInterval(() => this.kick(), this.ctx.timers.reconcileMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.drainPoll);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.passes.running;
    await this.trafficSync.running;
  }

  /** Resolves when no pass and no traffic sync is running (at once when none was started). Exposed for tests. */
  async idle(): Promise<void> {
    while (this.passes.running || this.trafficSync.running) await (this.passes.running ?? this.trafficSync.running);
  }

  /** Runs a pass now, or right after the one in progress; nothing while this process does not lead. */
  kick(): void {
    if (this.stopped || !this.ctx.leadership.isLeader()) return;
    this.passes.request();
  }

  private async passesUntilQuiet(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.reconcileOnce();
      } catch (err) {
        this.ctx.log.error({ err }, 'reconcile pass failed; retrying on the next tick');
      }
    } while (this.again && !this.stopped && this.ctx.leadership.isLeader());
  }

  /**
   * One pass over every active operation, then drift handling, which sees the operations
   * as this pass left them (a rebuild that just succeeded clears its quarantine at once).
   * Exposed for tests.
   */
  async reconcileOnce(): Promise<void> {
    // Intents the adapters have not confirmed go out, lost state is re-applied, connection counts refreshed.
    this.syncTrafficSoon();
    const active = await this.ctx.store.listOperations({ activeOnly: true });
    for (const operation of active) await this.reconcileOperation(operation.id);
    // Let the long-polls this pass woke answer first: on SQLite one connection serves every
    // query, and drift's transactions would hold it while agents wait for their next goals.
    await new Promise((resolve) => setImmediate(resolve));
    if (await this.drift.reconcileOnce()) this.again = true; // a rebuild was started: give its targets goals now
    // Alerts see the state this pass left; a failed evaluation must not stop the operations.
    await this.alerts?.evaluateIfDue().catch((err: unknown) => this.ctx.log.error({ err }, 'alert evaluation failed; retrying on the next pass'));
    // The fleet gauges see the fleet as this pass left it; at most one refresh per loop period.
    await this.gauges.refreshIfDue();
  }

  private async reconcileOperation(id: string): Promise<void> {
    const traffic = this.ctx.traffic;
    const sensors: OperationSensors = { analysis: analysisJudgementFor, ...(traffic === undefined ? {} : { connections: (service: string) => traffic.connections(service) }) };
    const step = await reconcileOperation(this.ctx.store, this.ctx.events, id, () => this.ctx.now(), sensors);
    if (step === undefined) return;
    if (step.plan.operation !== null) this.again = true; // a status change may unlock the next step at once
    if (step.hosts.length > 0) this.ctx.wake.hosts(step.hosts);
    // New intents go to the balancer now; the sync starts a pass once the adapter did them.
    if (step.plan.traffic.length > 0) this.syncTrafficSoon();
  }

  /** A pass in DRAIN_POLL_MS, to see a drain end without waiting a whole loop period. */
  private kickSoon(): void {
    if (this.drainPoll !== undefined) return;
    this.drainPoll = setTimeout(() => {
      this.drainPoll = undefined;
      this.kick();
    }, DRAIN_POLL_MS);
  }

  /**
   * Syncs traffic beside the passes, not inside them: a slow or silent balancer (each call
   * is bounded by FERRY_TRAFFIC_TIMEOUT_MS) delays traffic changes, never every other
   * service's operations, drift and alerts. One sync at a time; asked while one runs, it
   * runs once more after it. A sync that recorded an adapter's result starts a pass.
   */
  private syncTrafficSoon(): void {
    if (this.ctx.traffic === undefined || this.stopped) return;
    this.trafficSync.request();
  }

  private async syncTrafficOnce(): Promise<void> {
    const traffic = this.ctx.traffic!;
    const recorded = await traffic.syncAll().catch((err: unknown) => {
      this.ctx.log.error({ err }, 'traffic sync failed; retrying on the next pass');
      return false;
    });
    if (recorded) this.kick();
    // A drain whose connections have not ended is looked at again soon (kickSoon sets one timer).
    if (traffic.waitingOnDrains()) this.kickSoon();
  }
}
