/**
 * `ferry agent`: the node agent of one host. It pulls its host's assignments from the
 * server, brings each instance to its goal (install, switch, start, probe), keeps the
 * processes alive, and reports what it sees in heartbeats.
 *
 * Start-up order: empty `.tmp/` (leftovers of an interrupted install), adopt the instance
 * processes a previous agent left running (none is restarted), stop any instance process
 * no record names (started by an agent killed before it wrote `pid.json`, or a replay's
 * staging instance, which never outlives its agent; its directory goes too), probe them
 * once so the first heartbeat tells the truth, then heartbeat and long-poll.
 */
import { boundInstanceReport } from './bound-report.js';
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createJsonLog } from '../config/json-log.js';
import type { AgentOptions, RunningAgent } from './agent-options.js';
import { agentVersion } from './agent-version.js';
import { pollAssignments } from './assignment-poller.js';
import { restartBackoffBase } from './crash-backoff.js';
import { HeartbeatScheduler } from './heartbeat-scheduler.js';
import { tmpDir } from './host-layout.js';
import { DetachedProcessDriver } from './drivers/detached-process-driver.js';
import { InstanceSupervisor } from './instance-supervisor.js';
import { removeTree } from './read-only-tree.js';
import { stopOrphans } from './orphan-processes.js';
import { ReleaseClaims } from './release-claims.js';
import { KeptReleases } from './kept-releases.js';
import { LogResponder } from './log-responder.js';
import { ServerClient } from './server-client.js';
import { WorkerRegistry } from './worker-registry.js';
import { removeLeftoverStaging, StagingRunner } from './staging/staging-runner.js';
import { fetchTrusting, readCaFile } from '../transport/fetch-with-ca.js';
import { startTracing } from '../tracing/start-tracing.js';

export type { AgentOptions, RunningAgent } from './agent-options.js';

/** Longest `stop()` waits for goals in progress; an interrupted goal is redone safely on the next start. */
const STOP_SETTLE_MS = 5000;

/** Starts the agent's loops and resolves once it has adopted what runs and sent its first heartbeat. */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = createLogger(opts.logLevel);
  const now = opts.now ?? Date.now;
  const tracing = startTracing('ferry-agent', agentVersion(), log);
  // A CA file that cannot be read fails start-up, before anything runs.
  const ca = opts.caFile ? await readCaFile(opts.caFile) : undefined;
  const fetchServer = await fetchTrusting(ca);
  await removeTree(tmpDir(opts.root));
  await mkdir(tmpDir(opts.root), { recursive: true });

  const abort = new AbortController();
  let heartbeat: HeartbeatScheduler | null = null;
  const onChange = (change?: { goalFinished: boolean }): void => heartbeat?.poke(change?.goalFinished);
  // A process started or stopped by a goal in progress is reported with the goal's end.
  // (`registry` is created right below, before the supervisor can see any process.)
  const onProcessChange = (instanceId: string): void => {
    if (!registry.working(instanceId)) onChange();
  };
  const supervisor = new InstanceSupervisor({
    root: opts.root,
    log,
    driver: new DetachedProcessDriver(now),
    now,
    stopGraceMs: opts.timers.stopGraceS * 1000,
    restartBackoffMs: restartBackoffBase(),
    livenessPollMs: Math.min(200, opts.timers.probeIntervalMs),
    onChange: onProcessChange,
  });
  const kept = new KeptReleases(opts.root);
  const staging = new StagingRunner({
    root: opts.root,
    driver: new DetachedProcessDriver(now),
    log,
    stopGraceMs: opts.timers.stopGraceS * 1000,
    onChange: () => onChange(),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(ca !== undefined ? { ca } : {}),
  });
  const registry = new WorkerRegistry(
    {
      root: opts.root,
      supervisor,
      claims: new ReleaseClaims(),
      log,
      onChange,
      releasesChanged: () => kept.changed(),
      stopping: abort.signal,
      now,
      tracing,
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(ca !== undefined ? { ca } : {}),
    },
    log,
  );
  for (const found of await supervisor.adoptAll()) registry.addFromDisk(found.instanceId, found.service);
  await stopOrphans(opts.root, supervisor.recordedGroups(), opts.timers.stopGraceS * 1000, log);
  await removeLeftoverStaging(opts.root);
  await registry.settled();
  await registry.observeAll();

  const client = new ServerClient({ serverUrl: opts.serverUrl, token: opts.token, hostId: opts.hostId, fetch: fetchServer });
  const logs = new LogResponder(opts.root, client, log, abort.signal);
  heartbeat = new HeartbeatScheduler(() => sendHeartbeat(client, registry, kept, staging, opts, log, abort.signal, now), opts.timers.heartbeatS * 1000);
  // The first heartbeat registers the host; polling waits for it, not startAgent's caller.
  const polling = heartbeat.start().then(() =>
    pollAssignments({
      client,
      longPollS: opts.timers.longPollS,
      log,
      signal: abort.signal,
      now,
      onAssignments: (assignments) => {
        registry.apply(assignments);
        staging.apply(assignments.staging ?? []);
        logs.handle(assignments);
      },
    }),
  );
  const timers = [
    repeat(() => registry.observeAll(), opts.timers.probeIntervalMs),
    repeat(async () => registry.kickAll(), opts.timers.reconcileMs),
  ];
  log.info({ host: opts.hostId, server: opts.serverUrl, root: opts.root, version: agentVersion() }, 'ferry agent started');

  return {
    async stop() {
      abort.abort();
      for (const stopTimer of timers) stopTimer();
      await heartbeat?.close();
      await polling;
      // Staging instances are ephemeral: unlike instances, none outlives the agent.
      await staging.close();
      await Promise.race([registry.settled(), new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_MS).unref())]);
      supervisor.close();
      await tracing?.shutdown();
      log.info({ host: opts.hostId }, 'ferry agent stopped; instance processes keep running');
    },
  };
}

async function sendHeartbeat(client: ServerClient, registry: WorkerRegistry, kept: KeptReleases, staging: StagingRunner, opts: AgentOptions, log: Logger, signal: AbortSignal, now: () => number): Promise<void> {
  const { instances, removed } = registry.reports();
  const kept_releases = await kept.read(now());
  const report = { address: opts.advertiseAddress, agent_version: agentVersion(), instances: instances.map(boundInstanceReport), kept_releases, staging: staging.reports() };
  const result = await client.sendHeartbeat(report, signal);
  if (result.ok) {
    registry.forgetRemoved(removed);
    return;
  }
  if (signal.aborted) return;
  const level = result.kind === 'auth' ? 'error' : 'warn';
  log[level](`heartbeat failed: ${result.message}`);
}

/** Runs `task` every `ms`, never two at once; returns the function that stops it. */
function repeat(task: () => Promise<void>, ms: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task().finally(() => (running = false));
  }, ms);
  return () => clearInterval(timer);
}

function createLogger(level: string | undefined): Logger {
  return createJsonLog('ferry-agent', level ?? 'info');
}
