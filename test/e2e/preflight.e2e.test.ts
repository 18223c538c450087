/**
 * `ferry preflight` end to end: a real server, a real agent and real hello-service
 * instances on loopback (FAST_TIMERS: a heartbeat a second). One service goes through the
 * gates in turn: a clean release (exit 0), a paused canary holding the lock, a release
 * whose package file is missing and that no host keeps, and a stopped agent that falls
 * silent; each time the CLI must list the reason and exit 1. Polls with deadlines, never
 * sleeps for a state.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { runFerry } from '../../src/testing/fake-terminal.js';
import { HelloService, TERMINAL_DEPLOYMENT_STATUSES } from './rollout-support.js';

const SERVICE = 'preflight';
let fleet: LocalFleet;
let svc: HelloService;

interface Preflight {
  ok: boolean;
  reasons: Array<{ gate: string; code: string; blocking: boolean; message: string; details: Record<string, unknown> }>;
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  svc = await HelloService.declare(fleet, SERVICE, 2);
  await svc.release('v1');
  await svc.release('v2');
  const done = await svc.deployAndWait('v1');
  expect(done.status, JSON.stringify(done.reason)).toBe('succeeded');
}, 90_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
}, 60_000);

const preflight = (version: string, ...flags: string[]) => runFerry(['preflight', SERVICE, version, ...flags, '--server', fleet.server.url, '--token', fleet.token]);
const codesOf = (body: Preflight) => body.reasons.map((r) => r.code);
/** Advisory reasons (readiness not enforced) may come and go; what blocks is what these scenarios are about. */
const blockingCodesOf = (body: Preflight) => body.reasons.filter((r) => r.blocking).map((r) => r.code);

describe('ferry preflight on a live fleet', () => {
  it('a clean release: nothing blocks, exit 0 (the host does not keep v2 yet, and its package file is there)', async () => {
    const run = await preflight('v2');
    expect(run.code).toBe(0);
    // No evidence was posted: where readiness is filled in, its shortfall shows as advice, never as a block.
    expect(run.stdout).toMatch(new RegExp(`^(no reason to refuse|nothing blocks) v2 of ${SERVICE} now`, 'm'));
    const body = JSON.parse((await preflight('v2', '--json')).stdout) as Preflight;
    expect(body.ok).toBe(true);
    expect(body.reasons.filter((r) => r.blocking)).toEqual([]);
  });

  it('a paused canary deployment holds the lock: service_locked naming it, exit 1', async () => {
    const id = await svc.deploy('v2', { strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }], min_healthy_time_s: 0 } });
    const reached = await pollUntil('the canary to pause', async () => {
      const d = await svc.deployment(id);
      return d.status === 'paused' || TERMINAL_DEPLOYMENT_STATUSES.includes(d.status) ? d : undefined;
    });
    expect(reached.status).toBe('paused');

    const run = await preflight('v2', '--json');
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as Preflight;
    expect(blockingCodesOf(body)).toEqual(['service_locked']);
    expect(body.reasons.find((r) => r.code === 'service_locked')!.details).toMatchObject({ holder: { id, kind: 'deploy', status: 'paused' } });
    const table = await preflight('v2');
    expect(table.stdout).toMatch(new RegExp(`^lock\\s+service_locked\\s+yes\\s+.*${id}`, 'm'));

    await fleet.api.post(`/api/v1/deployments/${id}/abort`, {});
    expect((await fleet.api.waitForDeployment(id)).status).toBe('aborted');
    expect((await preflight('v2')).code).toBe(0);
  }, 60_000);

  it('a release no host keeps, whose package file is missing: package_unreachable, exit 1', async () => {
    const missing = pathToFileURL(join(fleet.dir, 'missing', `${SERVICE}-v9.tar.gz`)).href;
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version: 'v9', package_url: missing, sha256: '0'.repeat(64) });
    const run = await preflight('v9', '--json');
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as Preflight;
    expect(blockingCodesOf(body)).toEqual(['package_unreachable']);
    expect(body.reasons.find((r) => r.code === 'package_unreachable')!.details).toEqual({ package_url: missing, hosts: ['local'], error: 'not_found' });
  });

  it('an agent stopped long enough to be silent: agent_silent, exit 1; heard again once restarted', async () => {
    await fleet.agents.get('local')!.stop();
    const silent = await pollUntil(
      'preflight to find the agent silent',
      async () => {
        const run = await preflight('v2', '--json');
        const body = JSON.parse(run.stdout) as Preflight;
        return codesOf(body).includes('agent_silent') ? { run, body } : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(silent.run.code).toBe(1);
    expect(silent.body.reasons.find((r) => r.code === 'agent_silent')!.details).toMatchObject({ host: 'local', silent_after_s: 3 });

    await fleet.startAgent('local');
    await pollUntil('preflight to hear the agent again', async () => ((await preflight('v2')).code === 0 ? true : undefined), { timeoutMs: 20_000 });
  }, 60_000);
});
