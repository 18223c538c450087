import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceAssignment } from '../core/agent-protocol.js';
import type { Timers } from '../config/timers.js';
import type { RunningAgent } from './agent-options.js';
import { FakeControlPlane } from '../testing/fake-control-plane.js';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { buildPackage, fakeAssignment, type BuiltPackage } from '../testing/fake-release-package.js';
import { instanceDir, tmpDir } from './host-layout.js';
import { signalGroup } from './process-liveness.js';
import { removeTree } from './read-only-tree.js';
import { startAgent } from './start-agent.js';

const timers: Timers = { heartbeatS: 0.5, longPollS: 1, probeIntervalMs: 100, stopGraceS: 2, reconcileMs: 100, sessionRetentionS: 86_400, logRequestS: 5, auditHeartbeatS: 15 };
const pids = new Set<number>();
const agents: RunningAgent[] = [];
let work: string;
let root: string;
let plane: FakeControlPlane;
let v1: BuiltPackage;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-agent-'));
  root = path.join(work, 'root');
  v1 = await buildPackage(work, 'v1', '1.0.0');
  plane = new FakeControlPlane('h1', 'agent-secret');
  await plane.listen();
});

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  await plane.close();
  await removeTree(work);
});

async function agent(token = 'agent-secret'): Promise<RunningAgent> {
  const running = await startAgent({ serverUrl: plane.url, token, hostId: 'h1', advertiseAddress: '127.0.0.1', root, timers, logLevel: 'silent' });
  agents.push(running);
  return running;
}

function assignment(port: number, generation: number): InstanceAssignment {
  return fakeAssignment(v1, { instance_id: 'hello-h1-1', port, version: '1.0.0', generation, env: { GREETING: 'hi' } });
}

const readyReport = (pid?: number) => async () => {
  const r = plane.lastReport('hello-h1-1');
  if (r?.pid) pids.add(r.pid);
  return r?.status === 'ready' && r.version === '1.0.0' && (pid === undefined || r.pid === pid) ? r : undefined;
};

describe('startAgent', () => {
  it('registers, runs its assignment, survives its own restart without restarting the instance, and removes it', async () => {
    await mkdir(tmpDir(root), { recursive: true });
    await writeFile(path.join(tmpDir(root), 'leftover.tar.gz'), 'half a download');
    const first = await agent();
    expect(await readdir(tmpDir(root))).toEqual([]);
    await pollUntil('the registering heartbeat', async () => plane.heartbeats.length > 0 || undefined);
    expect(plane.heartbeats[0]).toMatchObject({ address: '127.0.0.1', instances: [] });

    const port = await freePort();
    plane.assign([assignment(port, 1)]);
    const report = await pollUntil('instance ready on 1.0.0', readyReport());
    expect(report).toMatchObject({ achieved_generation: 1, outcome: { generation: 1, ok: true, switched: true } });

    // A new agent adopts the process: same pid, and its very first heartbeat says ready.
    await first.stop();
    const seen = plane.heartbeats.length;
    await agent();
    await pollUntil('a heartbeat of the new agent', async () => plane.heartbeats.length > seen || undefined);
    expect(plane.heartbeats[seen]!.instances).toEqual([expect.objectContaining({ status: 'ready', pid: report.pid, version: '1.0.0' })]);
    await pollUntil('still the same process', readyReport(report.pid!));

    plane.assign([]);
    await pollUntil('instance reported stopped', async () => plane.lastReport('hello-h1-1')?.status === 'stopped' || undefined);
    await expect(stat(instanceDir(root, 'hello', 'hello-h1-1'))).rejects.toThrow();
    expect(() => process.kill(report.pid!, 0)).toThrow();
  });

  it('stops, when it starts, an instance process that no launch record names', async () => {
    // What an agent killed between spawning an instance and writing its pid.json leaves behind.
    const release = path.join(root, 'hello', 'releases', 'orphaned');
    await mkdir(release, { recursive: true });
    const orphan = spawn('sh', ['-c', 'sleep 60'], { cwd: release, detached: true, stdio: 'ignore' });
    pids.add(orphan.pid!);
    let gone = false;
    orphan.once('exit', () => (gone = true));
    await agent();
    await pollUntil('the orphan stopped', async () => gone || undefined);
  });

  it('keeps running and retrying when the server rejects its token', async () => {
    const before = plane.rejectedCalls;
    const rejected = await agent('wrong-token');
    await pollUntil('rejected calls', async () => plane.rejectedCalls >= before + 2 || undefined);
    await rejected.stop();
  });
});
