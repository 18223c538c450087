/**
 * The agent's log lines about a goal name the operation that set it and the correlation id
 * of the request that started it: a real InstanceWorker runs a real release, its logger
 * writing JSON lines to a destination the test reads.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceAssignment } from '../core/agent-protocol.js';
import { freePort } from '../local-fleet/free-port.js';
import { buildPackage, FAKE_START, type BuiltPackage } from '../testing/fake-release-package.js';
import { goalLogFields } from './goal-log-fields.js';
import { instanceDir } from './host-layout.js';
import { InstanceSupervisor } from './instance-supervisor.js';
import { InstanceWorker } from './instance-worker.js';
import { removeTree } from './read-only-tree.js';
import { ReleaseClaims } from './release-claims.js';
import { DetachedProcessDriver } from './drivers/detached-process-driver.js';

const DEPLOY = { id: 'dep-42', kind: 'deploy' as const, correlation_id: 'corr-42', traceparent: null };
let work: string;
let v1: BuiltPackage;
const supervisors: InstanceSupervisor[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-goal-log-'));
  v1 = await buildPackage(work, 'v1', 'v1');
});

afterAll(async () => {
  for (const s of supervisors) {
    await s.halt('hello-h1-7001', instanceDir(path.join(work, 'root'), 'hello', 'hello-h1-7001'));
    s.close();
  }
  await removeTree(work);
});

function assignment(port: number, over: Partial<InstanceAssignment>): InstanceAssignment {
  return {
    instance_id: 'hello-h1-7001',
    service: 'hello',
    port,
    version: 'v1',
    generation: 1,
    action: 'run',
    timeout_s: 10,
    release: { package_url: v1.url, sha256: v1.sha256 },
    start: FAKE_START,
    env: {},
    health_path: '/healthz',
    version_path: '/version',
    verify: [],
    keep_releases: 5,
    protected_versions: [],
    drain_s: 0,
    ...over,
  };
}

describe('goal log lines', () => {
  it('name the operation and correlation id, and say null for a goal from an older server', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const root = path.join(work, 'root');
    const supervisor = new InstanceSupervisor({ root, log, driver: new DetachedProcessDriver(), now: Date.now, stopGraceMs: 2000, restartBackoffMs: 50 });
    supervisors.push(supervisor);
    const ctx = { root, supervisor, claims: new ReleaseClaims(), log, now: Date.now, onChange: () => undefined, releasesChanged: () => undefined };
    const worker = new InstanceWorker(ctx, 'hello-h1-7001', 'hello', instanceDir(root, 'hello', 'hello-h1-7001'));
    const port = await freePort();

    worker.offer(assignment(port, { operation: DEPLOY }));
    await worker.settled();
    const named = { operation_id: 'dep-42', operation_kind: 'deploy', correlation_id: 'corr-42' };
    for (const msg of ['working on goal', 'release installed', 'goal finished']) {
      expect(lines.find((l) => l.msg === msg)).toMatchObject({ instance: 'hello-h1-7001', version: 'v1', ...named });
    }

    lines.length = 0;
    const { operation: _absent, ...fromOlderServer } = assignment(port, { generation: 2, version: null, release: null });
    worker.offer(fromOlderServer);
    await worker.settled();
    expect(lines.find((l) => l.msg === 'goal finished')).toMatchObject({ generation: 2, operation_id: null, operation_kind: null, correlation_id: null });
  });

  it('add the trace context only when the server sent one', () => {
    expect(goalLogFields({ operation: DEPLOY })).toEqual({ operation_id: 'dep-42', operation_kind: 'deploy', correlation_id: 'corr-42' });
    expect(goalLogFields({ operation: { ...DEPLOY, traceparent: '00-abc-def-01' } })).toMatchObject({ traceparent: '00-abc-def-01' });
    expect(goalLogFields({})).toEqual({ operation_id: null, operation_kind: null, correlation_id: null });
  });
});
