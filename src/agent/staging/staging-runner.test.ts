/**
 * StagingRunner with real hello-service processes: a staging instance is reported ready on
 * the port it picked and answers there; withdrawing it stops its process group and
 * removes its directory; one that never gets ready, or outlives its lifetime, is stopped
 * and reported failed with the reason. Nothing is left running after any test.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StagingAssignment, StagingReport } from '../../core/agent-protocol.js';
import { packageHello, type HelloPackage } from '../../local-fleet/hello-packages.js';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { DetachedProcessDriver } from '../drivers/detached-process-driver.js';
import { readLaunchRecord } from '../launch-record.js';
import { removeTree } from '../read-only-tree.js';
import { StagingRunner, stagingDir } from './staging-runner.js';

let work: string;
let good: HelloPackage;
let neverReady: HelloPackage;
const runners: StagingRunner[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ferry-staging-'));
  good = await packageHello(work, 'hello', 'v2');
  neverReady = await packageHello(work, 'hello', 'v3', { behaviour: { never_ready: true } });
}, 30_000);
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await removeTree(work);
});

function runner(): { runner: StagingRunner; root: string } {
  const root = path.join(work, `root-${runners.length}-${Date.now()}`);
  const r = new StagingRunner({ root, driver: new DetachedProcessDriver(), log: pino({ level: 'silent' }), stopGraceMs: 2000, onChange: () => undefined });
  runners.push(r);
  return { runner: r, root };
}

function entry(pkg: HelloPackage, over: Partial<StagingAssignment> = {}): StagingAssignment {
  return { staging_id: `rp-${pkg.version}`, service: 'hello', version: pkg.version, start: 'node server.js', env: {}, health_path: '/healthz', release: { package_url: pkg.package_url, sha256: pkg.sha256 }, ready_timeout_s: 10, lifetime_s: 60, ...over };
}

function reportOf(r: StagingRunner, id: string): Promise<StagingReport> {
  return pollUntil(`staging ${id} to settle`, async () => r.reports().find((x) => x.staging_id === id && x.status !== 'starting'), { timeoutMs: 20_000 });
}

async function pidOf(root: string, id: string): Promise<number> {
  const record = await readLaunchRecord(stagingDir(root, 'hello', id));
  if (record === null) throw new Error('no pid.json');
  return record.pid;
}

describe('StagingRunner', () => {
  it('reports a staging instance ready on the loopback port it picked; withdrawing it stops the process and removes its directory', async () => {
    const { runner: r, root } = runner();
    r.apply([entry(good)]);
    const report = await reportOf(r, 'rp-v2');
    expect(report).toMatchObject({ status: 'ready', reason: null });
    const answer = (await (await fetch(`http://127.0.0.1:${report.port}/api/items?q=a`)).json()) as { items: string[]; version: string };
    expect(answer).toMatchObject({ items: ['a-1', 'a-2', 'a-3'], version: 'v2' });
    const pid = await pidOf(root, 'rp-v2');
    r.apply([]);
    await pollUntil('the staging entry to be retired', async () => (r.reports().length === 0 ? true : undefined));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(stagingDir(root, 'hello', 'rp-v2'))).toBe(false);
  }, 30_000);

  it('fails one whose health never answers 2xx within ready_timeout_s, and stops it', async () => {
    const { runner: r, root } = runner();
    r.apply([entry(neverReady, { ready_timeout_s: 1 })]);
    const report = await reportOf(r, 'rp-v3');
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/not ready within 1 s: \/healthz answered 503/);
    expect(await readLaunchRecord(stagingDir(root, 'hello', 'rp-v3'))).toBeNull();
  }, 30_000);

  it('stops one that outlives lifetime_s, whatever the server says', async () => {
    const { runner: r, root } = runner();
    r.apply([entry(good, { staging_id: 'rp-life', lifetime_s: 1 })]);
    await reportOf(r, 'rp-life');
    const pid = await pidOf(root, 'rp-life');
    const failed = await pollUntil('the lifetime cap', async () => r.reports().find((x) => x.status === 'failed'), { timeoutMs: 10_000 });
    expect(failed.reason).toMatch(/lifetime of 1 s/);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 30_000);

  it('logs a retirement whose stop fails instead of an unhandled rejection, and passes the service version_path to the driver', async () => {
    const root = path.join(work, `root-failing-${Date.now()}`);
    const real = new DetachedProcessDriver();
    const errors: string[] = [];
    const launched: string[] = [];
    let failStop = true;
    const driver = Object.assign(Object.create(real) as DetachedProcessDriver, {
      start: (spec: Parameters<DetachedProcessDriver['start']>[0]) => {
        launched.push(spec.versionPath);
        return real.start(spec);
      },
      stop: async (...args: Parameters<DetachedProcessDriver['stop']>) => {
        const forced = await real.stop(...args);
        if (failStop) throw new Error('driver broke');
        return forced;
      },
    });
    const log = Object.assign(pino({ level: 'silent' }), { error: (_o: unknown, msg: string) => void errors.push(msg) });
    const r = new StagingRunner({ root, driver, log, stopGraceMs: 2000, onChange: () => undefined });
    runners.push(r);
    r.apply([entry(good, { staging_id: 'rp-broken', version_path: '/about/version' })]);
    await reportOf(r, 'rp-broken');
    expect(launched).toEqual(['/about/version']);
    r.apply([]);
    await pollUntil('the failed retirement to be logged', async () => (errors.length > 0 ? true : undefined));
    expect(errors[0]).toMatch(/cannot remove the staging instance/);
    failStop = false;
    r.apply([]);
    await pollUntil('the retry to retire it', async () => (r.reports().length === 0 ? true : undefined));
  }, 30_000);

  it('reports a release it cannot install as failed, naming the reason', async () => {
    const { runner: r } = runner();
    r.apply([entry(good, { staging_id: 'rp-bad', release: { package_url: good.package_url, sha256: '0'.repeat(64) } })]);
    const report = await reportOf(r, 'rp-bad');
    expect(report).toMatchObject({ status: 'failed', port: null });
    expect(report.reason).toMatch(/sha256_mismatch/);
  }, 30_000);
});
