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
import { buildPackage, fakeAssignment, type BuiltPackage } from '../testing/fake-release-package.js';
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
  return fakeAssignment(v1, { instance_id: 'hello-h1-7001', port, ...over });
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
    const named = { deploy_id: 'dep-42', operation_kind: 'deploy', correlation_id: 'corr-42' };
    for (const msg of ['working on goal', 'release installed', 'goal finished']) {
      expect(lines.find((l) => l.msg === msg)).toMatchObject({ instance_id: 'hello-h1-7001', version: 'v1', ...named });
    }

    lines.length = 0;
    const { operation: _absent, ...fromOlderServer } = assignment(port, { generation: 2, version: null, release: null });
    worker.offer(fromOlderServer);
    await worker.settled();
    expect(lines.find((l) => l.msg === 'goal finished')).toMatchObject({ generation: 2, deploy_id: null, operation_kind: null, correlation_id: null });
  });

  it('add the trace context only when the server sent one', () => {
    expect(goalLogFields({ operation: DEPLOY })).toEqual({ deploy_id: 'dep-42', operation_kind: 'deploy', correlation_id: 'corr-42' });
    expect(goalLogFields({ operation: { ...DEPLOY, traceparent: '00-abc-def-01' } })).toEqual({ deploy_id: 'dep-42', operation_kind: 'deploy', correlation_id: 'corr-42', traceparent: '00-abc-def-01' });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(goalLogFields({ operation: { ...DEPLOY, traceparent } })).toMatchObject({ traceparent, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
    expect(goalLogFields({})).toEqual({ deploy_id: null, operation_kind: null, correlation_id: null });
  });
});
