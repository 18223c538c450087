/**
 * The analysis runner on a fake clock, in process, against a loopback server that answers
 * Prometheus's query API with the error ratio the test sets: when a measurement is due
 * (one interval after the pause began, then every interval), that every query is stored
 * and the reconciler woken, that nothing is measured once the phase failed, for a
 * deployment with no canary past its gate, for a rollback, or by a process that does not lead.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../core/analysis/analysis-spec.js';
import type { OperationTarget } from '../../../core/types.js';
import { makeInstance, makeOperation, makeService, makeTarget, T0 } from '../../../testing/builders.js';
import { SwitchableLeadership } from '../../../testing/fake-leadership.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { AnalysisRunner } from './analysis-runner.js';

let prometheus: Server;
let address: string;
let ratio = '0.001';
const asked: string[] = [];

beforeAll(async () => {
  prometheus = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      asked.push(new URLSearchParams(body).get('query') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0 / 1000, ratio] }] } }));
    });
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => prometheus.close(() => resolve())));

let now = T0;
let ctx: ServerContext;
let leadership: SwitchableLeadership;
let runner: AnalysisRunner;
let wakes = 0;

const spec = (): AnalysisSpec => ({ provider: 'prometheus', address, interval_s: 30, queries: [{ name: 'errors', query: 'errors{instance=~"{instance}",version="{version}"}', success: '< 0.05' }, { name: 'up', query: 'up', success: '>= 0' }] });

async function deployment(id: string, targets: (id: string) => OperationTarget[], over: Parameters<typeof makeOperation>[0] = {}): Promise<void> {
  await ctx.store.insertOperation(
    makeOperation({ id, service: 'web', status: 'paused', strategy: { type: 'canary', steps: [{ instances: 1 }] }, rollout: { steps_done: 0, pause: { kind: 'analysis', until: null, since: T0 }, progress_at: T0, abort: null }, ...over }),
    targets(id),
  );
}
const canaryOf = (id: string) => [makeTarget('i1', '1.0.0', '2.0.0', { operation_id: id, status: 'succeeded', changed: true }), makeTarget('i2', '1.0.0', '2.0.0', { operation_id: id })];

beforeEach(async () => {
  now = T0;
  ratio = '0.001';
  asked.length = 0;
  wakes = 0;
  leadership = new SwitchableLeadership(true);
  ctx = { ...inMemoryServerContext(() => now), leadership };
  ctx.wake.onReconcile(() => (wakes += 1));
  await ctx.store.putService(makeService({ name: 'web', analysis: spec() }));
  for (const id of ['i1', 'i2']) await ctx.store.insertInstance(makeInstance(id, '1.0.0', { service: 'web', port: id === 'i1' ? 7001 : 7002 }));
  runner = new AnalysisRunner(ctx, { tickMs: 1000, queryTimeoutMs: 2000 });
});

describe('AnalysisRunner.measureDue', () => {
  it('measures one interval after the pause began, every query, and wakes the reconciler', async () => {
    await deployment('dep-1', canaryOf);
    now = T0 + 29_000;
    expect(await runner.measureDue()).toBe(0);
    now = T0 + 30_000;
    expect(await runner.measureDue()).toBe(2);
    expect(wakes).toBe(1);
    expect(asked[0]).toBe('errors{instance=~"i1",version="2.0.0"}');
    const rows = await ctx.store.listAnalysisMeasurements('dep-1');
    expect(rows.map((m) => [m.phase, m.query, m.verdict, m.measured_at])).toEqual([
      ['step-1', 'errors', 'successful', T0 + 30_000],
      ['step-1', 'up', 'successful', T0 + 30_000],
    ]);
  });

  it('then every interval_s after the last measurement, not sooner', async () => {
    await deployment('dep-1', canaryOf);
    now = T0 + 30_000;
    await runner.measureDue();
    now = T0 + 59_000;
    expect(await runner.measureDue()).toBe(0);
    now = T0 + 60_000;
    expect(await runner.measureDue()).toBe(2);
  });

  it('stops measuring the phase once it failed', async () => {
    ratio = '0.2';
    await deployment('dep-1', canaryOf);
    now = T0 + 30_000;
    expect(await runner.measureDue()).toBe(2);
    expect((await ctx.store.listAnalysisMeasurements('dep-1')).find((m) => m.query === 'errors')?.verdict).toBe('failed');
    now = T0 + 120_000;
    expect(await runner.measureDue()).toBe(0);
  });

  it('measures nothing without a canary past its health gate, for a rollback, or without leading', async () => {
    await deployment('dep-1', (id) => [makeTarget('i1', '1.0.0', '2.0.0', { operation_id: id, status: 'healthy', changed: true })], { status: 'running', rollout: { steps_done: 0, pause: null, progress_at: T0, abort: null } });
    now = T0 + 60_000;
    expect(await runner.measureDue()).toBe(0);
    await ctx.store.updateOperation('dep-1', { status: 'failed', completed_at: now });
    await deployment('rb-1', canaryOf, { kind: 'rollback' });
    expect(await runner.measureDue()).toBe(0);
    await ctx.store.updateOperation('rb-1', { status: 'succeeded', completed_at: now });
    await deployment('dep-2', canaryOf);
    leadership.set(false);
    expect(await runner.measureDue()).toBe(0);
    leadership.set(true);
    expect(await runner.measureDue()).toBe(2);
    expect(asked).toHaveLength(2);
  });
});
