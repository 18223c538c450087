import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { switchCurrentLink } from './current-link.js';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { buildPackage, FAKE_START } from '../testing/fake-release-package.js';
import { instanceDir, logFile, pidFile } from './host-layout.js';
import { probeOnce, probeStartup } from './instance-probe.js';
import { DetachedProcessDriver } from './drivers/detached-process-driver.js';
import { FakeProcessDriver } from '../testing/fake-process-driver.js';
import type { LaunchSpec } from './drivers/process-driver.js';
import { InstanceSupervisor } from './instance-supervisor.js';
import { isAlive, isGroupAlive, signalGroup } from './process-liveness.js';
import { removeTree } from './read-only-tree.js';
import { installRelease } from './release-installer.js';

const log = pino({ level: 'silent' });
const started = new Set<number>();
const supervisors: InstanceSupervisor[] = [];
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ferry-supervisor-'));
  const pkg = await buildPackage(root, 'hello-1.0.0', '1.0.0');
  const installed = await installRelease(root, 'hello', '1.0.0', { package_url: pkg.url, sha256: pkg.sha256 });
  expect(installed.ok).toBe(true);
});

afterAll(async () => {
  for (const s of supervisors) s.close();
  for (const pid of started) signalGroup(pid, 'SIGKILL');
  await removeTree(root);
});

function supervisor(): InstanceSupervisor {
  const s = new InstanceSupervisor({ root, log, driver: new DetachedProcessDriver(), now: Date.now, stopGraceMs: 2000, restartBackoffMs: 50, livenessPollMs: 50 });
  supervisors.push(s);
  return s;
}

async function instance(id: string): Promise<LaunchSpec> {
  const dir = instanceDir(root, 'hello', id);
  switchCurrentLink(dir, '1.0.0');
  return { instanceId: id, service: 'hello', instanceDir: dir, port: await freePort(), start: FAKE_START, env: {}, healthPath: '/healthz', versionPath: '/version' };
}

function pidOf(s: InstanceSupervisor, id: string): number | null {
  const pid = s.snapshot(id).pid;
  if (pid !== null) started.add(pid);
  return pid;
}

describe('InstanceSupervisor', () => {
  it('starts a process, is adopted by a new supervisor without a restart, and stops it', async () => {
    const spec = await instance('hello-h1-a');
    const first = supervisor();
    const launched = await first.launch(spec);
    const pid = pidOf(first, spec.instanceId)!;
    const probed = await probeStartup({
      ...spec,
      expectedVersion: '1.0.0',
      timeoutS: 10,
      exited: launched.exited,
      superseded: () => false,
      verify: [{ path: '/version', body_contains: '1.0.0' }],
      logFile: logFile(spec.instanceDir),
      now: Date.now,
    });
    expect(probed).toEqual({ ok: true, source: { type: 'http', detail: 'GET /version field version' } });
    const record = JSON.parse(await readFile(pidFile(spec.instanceDir), 'utf8')) as { pid: number; start_time: number; version: string };
    expect(record).toMatchObject({ pid, version: '1.0.0' });
    expect(record.start_time).toBeGreaterThan(0);

    // The agent goes away; its successor adopts the same process.
    first.close();
    const second = supervisor();
    const found = await second.adoptAll();
    expect(found).toContainEqual({ instanceId: spec.instanceId, service: 'hello', dir: spec.instanceDir, adopted: true });
    expect(second.snapshot(spec.instanceId)).toMatchObject({ running: true, pid, version: '1.0.0' });
    expect(await probeOnce(spec)).toMatchObject({ healthy: true, version: '1.0.0', refusal: null });

    await second.halt(spec.instanceId, spec.instanceDir);
    expect(isAlive(record)).toBe(false);
    expect(isGroupAlive(pid)).toBe(false);
    expect(second.snapshot(spec.instanceId)).toMatchObject({ running: false, crashed: false, pid: null });
    await expect(stat(pidFile(spec.instanceDir))).rejects.toThrow();
  });

  it('restarts a process killed behind its back, with a new pid', async () => {
    const spec = await instance('hello-h1-b');
    const s = supervisor();
    await s.launch(spec);
    const pid = pidOf(s, spec.instanceId)!;
    await pollUntil('first process healthy', async () => (await probeOnce(spec)).healthy || undefined);
    process.kill(pid, 'SIGKILL');
    const next = await pollUntil('a new process', async () => {
      const now = pidOf(s, spec.instanceId);
      return now !== null && now !== pid ? now : undefined;
    });
    expect(next).not.toBe(pid);
    expect(await pollUntil('restarted process healthy', async () => (await probeOnce(spec)).healthy || undefined)).toBe(true);
    await s.halt(spec.instanceId, spec.instanceDir);
    expect(s.snapshot(spec.instanceId).running).toBe(false);
  });

  it('restarts an adopted process that dies', async () => {
    const spec = await instance('hello-h1-c');
    const first = supervisor();
    await first.launch(spec);
    const pid = pidOf(first, spec.instanceId)!;
    first.close();
    const second = supervisor();
    await second.adoptAll();
    second.updateSpec(spec);
    process.kill(pid, 'SIGKILL');
    const next = await pollUntil('a new process', async () => {
      const now = pidOf(second, spec.instanceId);
      return now !== null && now !== pid ? now : undefined;
    });
    expect(next).not.toBe(pid);
    await second.halt(spec.instanceId, spec.instanceDir);
  });

  it('reports a process that dies while starting as crashed_on_start', async () => {
    const spec = { ...(await instance('hello-h1-d')), start: 'echo boom >&2; exit 3' };
    const s = supervisor();
    const launched = await s.launch(spec);
    pidOf(s, spec.instanceId);
    const probed = await probeStartup({
      ...spec,
      expectedVersion: '1.0.0',
      timeoutS: 10,
      exited: launched.exited,
      superseded: () => false,
      verify: [],
      logFile: logFile(spec.instanceDir),
      now: Date.now,
    });
    expect(probed).toMatchObject({ ok: false, code: 'crashed_on_start' });
    expect(!probed.ok && probed.message).toContain('code 3');
    expect(!probed.ok && probed.message).toContain('boom');
    await s.halt(spec.instanceId, spec.instanceDir);
  });

  it('quotes only the crashed process in crashed_on_start, not an earlier process in the same log', async () => {
    const spec = { ...(await instance('hello-h1-e')), start: 'echo earlier-process-line' };
    const s = supervisor();
    const first = await s.launch(spec);
    await first.exited;
    await s.halt(spec.instanceId, spec.instanceDir);
    const crashing = { ...spec, start: 'echo second-boom >&2; exit 4' };
    const launched = await s.launch(crashing);
    pidOf(s, spec.instanceId);
    const probed = await probeStartup({ ...crashing, expectedVersion: '1.0.0', timeoutS: 10, exited: launched.exited, superseded: () => false, verify: [], logFile: logFile(spec.instanceDir), now: Date.now });
    expect(probed).toMatchObject({ ok: false, code: 'crashed_on_start' });
    expect(!probed.ok && probed.message).toContain('second-boom');
    expect(!probed.ok && probed.message).not.toContain('earlier-process-line');
    expect(await readFile(logFile(spec.instanceDir), 'utf8')).toMatch(/--- ferry: starting instance hello-h1-e version 1\.0\.0 at /);
    await s.halt(spec.instanceId, spec.instanceDir);
  });
});

describe('InstanceSupervisor on a fake driver and clock', () => {
  it('measures crash backoff on its clock: quick deaths double the delay, a death after a stable minute starts over', async () => {
    let clock = 1_000_000;
    const driver = new FakeProcessDriver(() => clock);
    const warnings: Array<{ restart_in_ms?: number }> = [];
    const warnLog = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { restart_in_ms?: number }) });
    const s = new InstanceSupervisor({ root, log: warnLog, driver, now: () => clock, stopGraceMs: 2000, restartBackoffMs: 20, livenessPollMs: 50 });
    supervisors.push(s);
    const spec = await instance('hello-h1-f');
    await s.launch(spec);
    const crashAfter = async (uptimeMs: number): Promise<number | undefined> => {
      clock += uptimeMs;
      const before = driver.started.length;
      driver.crash(driver.started[before - 1]!.pid);
      await pollUntil('a crash restart', async () => driver.started.length > before || undefined);
      return warnings.at(-1)?.restart_in_ms;
    };
    expect(await crashAfter(1000)).toBe(20);
    expect(await crashAfter(1000)).toBe(40);
    expect(await crashAfter(1000)).toBe(80);
    expect(await crashAfter(61_000)).toBe(20);
    expect(driver.started.map((r) => r.started_at)).toEqual([1_000_000, 1_001_000, 1_002_000, 1_003_000, 1_064_000]);
    await s.halt(spec.instanceId, spec.instanceDir);
    expect(s.snapshot(spec.instanceId)).toMatchObject({ running: false, crashed: false, pid: null });
  });
});
