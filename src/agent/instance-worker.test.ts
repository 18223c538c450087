import { mkdtemp, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceAssignment } from '../core/agent-protocol.js';
import { switchCurrentLink } from './current-link.js';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { buildPackage, fakeAssignment, type BuiltPackage } from '../testing/fake-release-package.js';
import { PortSquatter } from '../testing/port-squatter.js';
import { instanceDir, releaseDir, tmpDir } from './host-layout.js';
import { DEFAULT_INSTALL_LIMITS } from './install-limits.js';
import { probeOnce } from './instance-probe.js';
import { readInstanceState, writeInstanceState } from './instance-state-file.js';
import { DetachedProcessDriver } from './drivers/detached-process-driver.js';
import { InstanceSupervisor } from './instance-supervisor.js';
import { InstanceWorker, type WorkerContext } from './instance-worker.js';
import { COMMAND_FAILURE_REUSE_MS } from './instance-observation.js';
import { readLaunchRecord } from './launch-record.js';
import { isAlive, signalGroup } from './process-liveness.js';
import { removeTree } from './read-only-tree.js';
import { installRelease } from './release-installer.js';
import { ReleaseClaims } from './release-claims.js';

const log = pino({ level: 'silent' });
const pids = new Set<number>();
const supervisors: InstanceSupervisor[] = [];
let work: string;
let packages: Record<string, BuiltPackage>;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-worker-'));
  packages = {
    v1: await buildPackage(work, 'v1', 'v1'),
    v2: await buildPackage(work, 'v2', 'v2'),
    // A broken build: registered as v3 but its code says it is v2.
    v3: await buildPackage(work, 'v3', 'v2'),
  };
});

afterAll(async () => {
  for (const s of supervisors) s.close();
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  await removeTree(work);
});

interface Harness {
  root: string;
  ctx: WorkerContext;
  worker: InstanceWorker;
  dir: string;
  /** Hands the worker a goal without waiting for it. */
  offer(generation: number, version: string | null, over?: Partial<InstanceAssignment>): void;
  goal(generation: number, version: string | null, over?: Partial<InstanceAssignment>): Promise<void>;
  pid(): number | null;
}

async function harness(root?: string, port?: number, extra: Partial<WorkerContext> = {}): Promise<Harness> {
  const hostRoot = root ?? (await mkdtemp(path.join(work, 'root-')));
  const supervisor = new InstanceSupervisor({ root: hostRoot, log, driver: new DetachedProcessDriver(), now: Date.now, stopGraceMs: 2000, restartBackoffMs: 50 });
  supervisors.push(supervisor);
  const ctx: WorkerContext = { root: hostRoot, supervisor, claims: new ReleaseClaims(), log, onChange: () => undefined, releasesChanged: () => undefined, now: Date.now, ...extra };
  const id = 'hello-h1-7001';
  const dir = instanceDir(hostRoot, 'hello', id);
  const worker = new InstanceWorker(ctx, id, 'hello', dir);
  const instancePort = port ?? (await freePort());
  const h: Harness = {
    root: hostRoot,
    ctx,
    worker,
    dir,
    offer(generation, version, over = {}) {
      const pkg = version === null ? null : packages[version];
      worker.offer(fakeAssignment(pkg ?? null, { instance_id: id, port: instancePort, version, generation, ...over }));
    },
    async goal(generation, version, over = {}) {
      h.offer(generation, version, over);
      await worker.settled();
      const pid = h.pid();
      if (pid !== null) pids.add(pid);
    },
    pid: () => supervisor.snapshot(id).pid,
  };
  return h;
}

const linkTarget = (dir: string) => readlink(path.join(dir, 'current'));

describe('InstanceWorker', () => {
  it('switches v1 to a build answering the wrong version, then returns to v1', async () => {
    const h = await harness();
    await h.goal(1, 'v1');
    expect(h.worker.report()).toMatchObject({ achieved_generation: 1, outcome: { ok: true, switched: true } });
    const v1Pid = h.pid();

    await h.goal(2, 'v3');
    const report = h.worker.report();
    expect(report.outcome).toMatchObject({ generation: 2, ok: false, code: 'version_mismatch', switched: true });
    expect(report.outcome?.message).toContain('answered version v2, expected v3');
    expect(await linkTarget(h.dir)).toBe('../../releases/v1');
    expect(h.pid()).not.toBeNull();
    expect(h.pid()).not.toBe(v1Pid);
    // The restored process was started, not waited for; periodic probes see it come up.
    await pollUntil('restored v1 ready', async () => {
      await h.worker.observe();
      return h.worker.report().status === 'ready' || undefined;
    });
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v1', achieved_generation: 2 });
    expect(await readInstanceState(h.dir)).toMatchObject({ achieved_generation: 2, run: true, switching: null });
  });

  it('moves to a good version, restarts keeping it, and stops on a null version', async () => {
    const h = await harness();
    await h.goal(1, 'v1');
    await h.goal(2, 'v2', { keep_releases: 1 });
    expect(h.worker.report().outcome).toMatchObject({ ok: true, switched: true });
    expect(await linkTarget(h.dir)).toBe('../../releases/v2');
    // Garbage collection after the switch: only the newest release stays.
    expect(await readdir(path.join(h.root, 'hello', 'releases'))).toEqual(['v2']);
    const before = h.pid();

    await h.goal(3, 'v2', { action: 'restart' });
    expect(h.worker.report().outcome).toMatchObject({ generation: 3, ok: true });
    expect(h.pid()).not.toBe(before);
    expect(await linkTarget(h.dir)).toBe('../../releases/v2');

    await h.goal(4, null);
    expect(h.worker.report()).toMatchObject({ status: 'stopped', pid: null, achieved_generation: 4, outcome: { ok: true } });
  });

  it('leaves the running version alone when the new package fails its sha256', async () => {
    const h = await harness();
    await h.goal(1, 'v1');
    const pid = h.pid();
    await h.goal(2, 'v2', { release: { package_url: packages.v2!.url, sha256: 'b'.repeat(64) } });
    expect(h.worker.report().outcome).toMatchObject({ ok: false, code: 'sha256_mismatch', switched: false });
    expect(h.pid()).toBe(pid);
    expect(await linkTarget(h.dir)).toBe('../../releases/v1');
    await expect(stat(releaseDir(h.root, 'hello', 'v2'))).rejects.toThrow();
  });

  it('does not redo finished work after an agent restart, and keeps the process', async () => {
    const first = await harness();
    await first.goal(1, 'v1');
    const pid = first.pid();
    first.ctx.supervisor.close();
    const record = await readLaunchRecord(first.dir);

    const second = await harness(first.root, record!.port);
    await second.ctx.supervisor.adoptAll();
    await second.goal(1, 'v1');
    expect(second.pid()).toBe(pid);
    expect(second.worker.report()).toMatchObject({ achieved_generation: 1, outcome: { ok: true } });
    await second.worker.observe();
    expect(second.worker.report()).toMatchObject({ status: 'ready', version: 'v1', pid });
  });

  it('redoes a switch interrupted by an agent crash and still returns to the release it left', async () => {
    const first = await harness();
    await first.goal(1, 'v1');
    first.ctx.supervisor.close();
    const record = await readLaunchRecord(first.dir);
    // The agent died after stopping v1 and pointing `current` at v3, before v3 started.
    signalGroup(record!.pid, 'SIGKILL');
    await pollUntil('v1 gone', async () => !isAlive(record!) || undefined);
    await installRelease(first.root, 'hello', 'v3', { package_url: packages.v3!.url, sha256: packages.v3!.sha256 });
    writeInstanceState(first.dir, { achieved_generation: 1, outcome: null, run: true, switching: { generation: 2, from: 'v1' } });
    switchCurrentLink(first.dir, 'v3');

    const second = await harness(first.root, record!.port);
    await second.ctx.supervisor.adoptAll();
    await second.goal(2, 'v3');
    expect(second.worker.report().outcome).toMatchObject({ generation: 2, ok: false, code: 'version_mismatch', switched: true });
    expect(await linkTarget(second.dir)).toBe('../../releases/v1');
    expect(second.pid()).not.toBeNull();
  });

  it('stops and removes an instance that is no longer assigned', async () => {
    const h = await harness();
    await h.goal(1, 'v1');
    const port = (await readLaunchRecord(h.dir))!.port;
    h.worker.unassign();
    await h.worker.settled();
    expect(h.worker.removed).toBe(true);
    await expect(stat(h.dir)).rejects.toThrow();
    expect(h.worker.report()).toMatchObject({ status: 'stopped', pid: null, achieved_generation: 1 });
    expect(h.pid()).toBeNull();
    expect(await probeOnce({ instanceId: 'gone', port, healthPath: '/healthz', versionPath: '/version' })).toEqual({ healthy: false, version: null, source: null, refusal: null });
  });
});

/**
 * A download whose goal is withdrawn stops at once: it must not hold the worker (and the
 * next goal) until its idle timeout, nor keep writing into `.tmp`.
 */
describe('InstanceWorker cancelling a download', () => {
  const LIMITS = { ...DEFAULT_INSTALL_LIMITS, idleTimeoutMs: 30_000 };
  let server: Server;
  let url: string;
  const requests: Socket[] = [];

  beforeAll(async () => {
    // Headers and 1 KB, then nothing: without cancellation this holds for the idle timeout.
    server = createServer((req, res) => {
      requests.push(req.socket);
      res.writeHead(200);
      res.write(Buffer.alloc(1024));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/stall.tar.gz`;
  });
  afterAll(() => {
    for (const s of requests) s.destroy();
    server.close();
  });

  const stalled = () => ({ release: { package_url: url, sha256: 'c'.repeat(64) } });
  const downloading = (before: number) => pollUntil('the download to start', async () => requests.length > before || undefined);

  it('a newer goal cancels it; the newer goal runs at once and .tmp is empty', async () => {
    const h = await harness(undefined, undefined, { limits: LIMITS });
    await h.goal(1, 'v1');
    const before = requests.length;
    const started = Date.now();
    h.offer(2, 'v2', stalled());
    await downloading(before);
    await h.goal(3, 'v2');
    expect(Date.now() - started).toBeLessThan(LIMITS.idleTimeoutMs / 3);
    expect(h.worker.report().outcome).toMatchObject({ generation: 3, ok: true, switched: true });
    expect(await linkTarget(h.dir)).toBe('../../releases/v2');
    expect(await readdir(tmpDir(h.root))).toEqual([]);
    await pollUntil('the stalled connection to close', async () => requests[before]!.destroyed || requests[before]!.closed || undefined);
  });

  it('unassigning the instance cancels it', async () => {
    const h = await harness(undefined, undefined, { limits: LIMITS });
    await h.goal(1, 'v1');
    const before = requests.length;
    h.offer(2, 'v2', stalled());
    await downloading(before);
    h.worker.unassign();
    await h.worker.settled();
    expect(h.worker.removed).toBe(true);
    expect(await readdir(tmpDir(h.root))).toEqual([]);
  });

  it('the agent stopping cancels it and records nothing, so the next start redoes the goal', async () => {
    const stopping = new AbortController();
    const h = await harness(undefined, undefined, { limits: LIMITS, stopping: stopping.signal });
    await h.goal(1, 'v1');
    const before = requests.length;
    h.offer(2, 'v2', stalled());
    await downloading(before);
    stopping.abort();
    await h.worker.settled();
    expect(await readInstanceState(h.dir)).toMatchObject({ achieved_generation: 1 });
    expect(h.worker.report()).toMatchObject({ achieved_generation: 1 });
    expect(await readdir(tmpDir(h.root))).toEqual([]);
  });
});

/**
 * `version_check: {type: "process"}`: the version is the release the listening process runs
 * from, proven from /proc, whatever the app answers; a process outside its release or a
 * listener the agent did not start is refused.
 */
describe('InstanceWorker with a process version check', () => {
  const PROCESS = { version_check: { type: 'process' as const } };
  const squatters: PortSquatter[] = [];
  afterAll(async () => {
    for (const squatter of squatters) await squatter.stop();
  });

  it('proves v3 from its release directory although its code answers v2 on /version', async () => {
    const h = await harness();
    await h.goal(1, 'v3', PROCESS);
    const report = h.worker.report();
    expect(report).toMatchObject({ status: 'ready', version: 'v3', version_refusal: null, outcome: { ok: true } });
    expect(report.version_source).toEqual({ type: 'process', detail: `pid ${h.pid()} (node) listens on :${(await readLaunchRecord(h.dir))!.port}, cwd and script in releases/v3` });
    expect(await readLaunchRecord(h.dir)).toMatchObject({ version_check: { type: 'process' } });
    await h.worker.observe();
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v3', version_source: { type: 'process' } });
  });

  it('proves an adopted process the same way before any assignment arrives (the check is in pid.json)', async () => {
    const first = await harness();
    await first.goal(1, 'v3', PROCESS);
    first.ctx.supervisor.close();
    const record = await readLaunchRecord(first.dir);
    const second = await harness(first.root, record!.port);
    await second.ctx.supervisor.adoptAll();
    await second.worker.observe();
    // Over http this build would answer v2; the process proof shows the release it runs.
    expect(second.worker.report()).toMatchObject({ status: 'ready', version: 'v3', pid: record!.pid, version_source: { type: 'process' } });
  });

  it('fails a start whose process runs from outside the release with outside_release', async () => {
    const h = await harness();
    const server = `require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;
    await h.goal(1, 'v1', { ...PROCESS, start: `cd / && exec node -e "${server}"` });
    expect(h.worker.report().outcome).toMatchObject({ ok: false, code: 'outside_release', message: expect.stringContaining('runs from /, outside') });
  });

  it('reports a foreign listener on the port of a process that died, and its return once the port is free', async () => {
    const port = await freePort();
    const h = await harness(undefined, port);
    await h.goal(1, 'v1', PROCESS);
    // Trying before the kill, the squatter binds before the supervisor's crash restart can.
    const squatter = await PortSquatter.start(port);
    squatters.push(squatter);
    signalGroup(h.pid()!, 'SIGKILL');
    const refused = await pollUntil('a foreign_listener refusal', async () => {
      await h.worker.observe();
      const report = h.worker.report();
      return report.version_refusal?.code === 'foreign_listener' ? report : undefined;
    }, { timeoutMs: 15_000 });
    expect(refused.version_refusal?.message).toContain(`pid ${squatter.pid} (node) listens on :${port}`);
    expect(refused.version).toBeNull();
    await squatter.stop();
    await pollUntil('v1 back, proven, no refusal', async () => {
      await h.worker.observe();
      const report = h.worker.report();
      if (report.pid !== null) pids.add(report.pid);
      return report.status === 'ready' && report.version === 'v1' && report.version_refusal === null ? true : undefined;
    }, { timeoutMs: 20_000 });
  });
});

describe('InstanceWorker with a command version check', () => {
  const command = (argv: string[], timeout_ms?: number) => ({ version_check: { type: 'command' as const, command: argv, ...(timeout_ms ? { timeout_ms } : {}) } });

  it('proves the version from a command run in the release, and fails a build whose command names another one', async () => {
    const h = await harness();
    await h.goal(1, 'v1', command(['cat', 'VERSION']));
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v1', version_source: { type: 'command', detail: 'cat VERSION printed v1 (in the release directory)' } });
    await h.worker.observe();
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v1', version_source: { type: 'command' } });
    await h.goal(2, 'v3', command(['cat', 'VERSION']));
    expect(h.worker.report().outcome).toMatchObject({ ok: false, code: 'version_mismatch', message: expect.stringContaining('printed "v2", which does not name v3') });
  });

  it('runs the command again when its check changes for the same process, and a failing one only after a while', async () => {
    let offset = 0;
    let changes = 0;
    const h = await harness(undefined, undefined, { now: () => Date.now() + offset, onChange: () => void changes++ });
    const runs = path.join(h.root, 'command-runs');
    const counted = (script: string) => command(['sh', '-c', `echo run >> ${runs}; ${script}`]);
    const runCount = async () => (await readFile(runs, 'utf8')).split('\n').filter((line) => line !== '').length;
    const observeTwice = async () => {
      await h.worker.observe();
      await h.worker.observe();
    };

    await h.goal(1, 'v1', counted('cat VERSION'));
    const pid = h.pid();
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v1', version_source: { type: 'command' } });
    await h.worker.observe();
    changes = 0;
    await observeTwice();
    // A success stands for that process: the startup probe's run was the only one, and nothing changed to report.
    expect(await runCount()).toBe(1);
    expect(changes).toBe(0);

    // The operator changes the argv; the process keeps running, and the new command names another version.
    h.offer(1, 'v1', counted('echo v9'));
    await h.worker.settled();
    await h.worker.observe();
    expect(h.pid()).toBe(pid);
    expect(await runCount()).toBe(2);
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: null, version_source: null });

    // The failure stands for a while instead of a run on every probe, then the command runs again.
    await observeTwice();
    expect(await runCount()).toBe(2);
    offset += COMMAND_FAILURE_REUSE_MS;
    await h.worker.observe();
    expect(await runCount()).toBe(3);

    // Fixed argv, same process: proven again at once, by the new command.
    h.offer(1, 'v1', counted('echo v1'));
    await h.worker.settled();
    await observeTwice();
    expect(await runCount()).toBe(4);
    expect(h.worker.report()).toMatchObject({ status: 'ready', version: 'v1', pid, version_source: { type: 'command', detail: expect.stringContaining('echo v1 printed v1') } });
  });

  it('fails the start of a hung version command with version_command_timeout', async () => {
    const h = await harness();
    await h.goal(1, 'v1', command(['sleep', '30'], 200));
    expect(h.worker.report().outcome).toMatchObject({ ok: false, code: 'version_command_timeout' });
  });
});
