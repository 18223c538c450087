/**
 * The JSON logs of a real server and a real agent (CONTRACT §3 Logs), read from their real
 * stdout: request lines carry request_id and correlation_id; a deployment's lines on both
 * sides carry its deploy_id, service, instance_id and the correlation id of the request
 * that started it; a failed probe is one line per goal with error_code and the reason and
 * no stack trace; no token, Authorization value or signing key appears anywhere, even at
 * debug; an invalid FERRY_LOG_LEVEL stops the start with one line and exit 2.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const SERVICE = 'logsvc';
const WEBHOOK_SECRET = 'whsec-do-not-log-5f1e2d3c';
const WRONG_TOKEN = 'fy_wrong-token-do-not-log-9a8b7c';
const CORRELATION = 'corr-log-fields-1';
let fleet: LocalFleet;
let deployId: string;
let failedDeployId: string;

type Line = Record<string, unknown> & { level: number; msg: string };

function jsonLines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}
const serverLog = () => join(fleet.dir, 'server', 'server.log');
const agentLog = () => join(fleet.dir, 'agent-local.log');

async function deploy(version: string, correlationId: string): Promise<string> {
  const response = await fetch(`${fleet.server.url}/api/v1/deployments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/json', 'x-correlation-id': correlationId },
    body: JSON.stringify({ service: SERVICE, version, strategy: { type: 'all_at_once', healthy_deadline_s: 4 } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { deploy_id: string }).deploy_id;
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_LOG_LEVEL: 'debug', FERRY_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  const [port] = await freePorts(1);
  for (const [version, behaviour] of [['v1', {}], ['v2', { never_ready: true }]] as const) {
    const p = await packageHello(fleet.dir, SERVICE, version, { behaviour });
    await fleet.api.post('/api/v1/releases', { service: SERVICE, version, package_url: p.package_url, sha256: p.sha256 });
  }
  await fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'node server.js', instances: [{ host: 'local', port }] });
  deployId = await deploy('v1', CORRELATION);
  expect((await fleet.api.waitForDeployment(deployId, 90_000)).status).toBe('succeeded');
  const session = await fleet.api.post('/api/v1/sessions', { service: SERVICE, tenant_id: 'tenant-7' });
  await fleet.api.request('DELETE', `/api/v1/sessions/${session.session_id}`);
  failedDeployId = await deploy('v2', `${CORRELATION}-fail`);
  expect(['failed', 'rolled_back']).toContain((await fleet.api.waitForDeployment(failedDeployId, 90_000)).status);
  expect((await fetch(`${fleet.server.url}/api/v1/services`, { headers: { authorization: `Bearer ${WRONG_TOKEN}` } })).status).toBe(401);
}, 240_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
}, 60_000);

describe('server and agent logs', () => {
  it('write request lines with request_id and correlation_id, and refusals with their error_code', async () => {
    const lines = await pollUntil('the request lines', async () => {
      const all = jsonLines(serverLog());
      return all.some((l) => l.error_code === 'invalid_token') ? all : undefined;
    });
    const started = lines.find((l) => l.msg === 'request answered' && l.route === '/api/v1/deployments' && l.correlation_id === CORRELATION);
    expect(started).toMatchObject({ component: 'ferry-server', method: 'POST', status_code: 202 });
    expect(typeof started?.request_id).toBe('string');
    for (const line of lines.filter((l) => l.msg === 'request answered')) {
      expect(line.request_id, JSON.stringify(line)).toBeDefined();
      expect(line.correlation_id, JSON.stringify(line)).toBeDefined();
    }
    expect(lines.find((l) => l.msg === 'request answered' && l.route === '/api/v1/sessions')).toMatchObject({ tenant_id: 'tenant-7', status_code: 201 });
    const refused = lines.find((l) => l.error_code === 'invalid_token');
    expect(refused).toMatchObject({ status_code: 401, route: '/api/v1/services' });
    expect(refused?.request_id).toBeDefined();
  });

  it("log the deployment's events on the server with deploy_id, service, instance_id and its correlation id", () => {
    const lines = jsonLines(serverLog());
    const events = lines.filter((l) => l.deploy_id === deployId && typeof l.event_type === 'string');
    expect(events.map((l) => l.event_type)).toEqual(expect.arrayContaining(['deploy_started', 'instance_deployed', 'deploy_completed']));
    for (const line of events) expect(line).toMatchObject({ service: SERVICE, correlation_id: CORRELATION });
    expect(events.find((l) => l.event_type === 'instance_deployed')?.instance_id).toMatch(new RegExp(`^${SERVICE}-local-`));
    const failed = lines.filter((l) => l.deploy_id === failedDeployId && l.event_type === 'deploy_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, service: SERVICE, correlation_id: `${CORRELATION}-fail` });
    expect(typeof failed[0]?.error_code).toBe('string');
    expect(failed[0]?.msg).toMatch(/^deploy_failed: ./);
  });

  it("log the agent's work on the goal with deploy_id and correlation id, and a failed probe once per goal with error_code and no stack", () => {
    const lines = jsonLines(agentLog());
    const working = lines.filter((l) => l.msg === 'working on goal' && l.deploy_id === deployId);
    expect(working.length).toBeGreaterThan(0);
    for (const line of working) expect(line).toMatchObject({ component: 'ferry-agent', correlation_id: CORRELATION, version: 'v1' });
    expect(working[0]?.instance_id).toMatch(new RegExp(`^${SERVICE}-local-`));
    const failures = lines.filter((l) => l.deploy_id === failedDeployId && typeof l.error_code === 'string' && l.level >= 40);
    expect(failures.length).toBeGreaterThan(0);
    const perGoal = new Map<unknown, number>();
    for (const line of failures) perGoal.set(line.generation, (perGoal.get(line.generation) ?? 0) + 1);
    expect([...perGoal.values()].every((n) => n === 1), JSON.stringify(failures)).toBe(true);
    for (const line of failures) {
      expect(line).toMatchObject({ service: SERVICE, correlation_id: `${CORRELATION}-fail`, version: 'v2' });
      expect(line.msg).toMatch(/^goal failed: ./);
      expect(JSON.stringify(line)).not.toMatch(/\\n\s+at /);
    }
  });

  it('never write a token, an Authorization value or the webhook signing key, on either side', () => {
    for (const file of [serverLog(), agentLog()]) {
      const text = readFileSync(file, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      for (const secret of [fleet.token, WRONG_TOKEN, WEBHOOK_SECRET]) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
      expect(text).not.toMatch(/Bearer [A-Za-z0-9_-]{6,}/);
    }
  });

  it('refuses an invalid FERRY_LOG_LEVEL at start with one line and exit 2, for server and agent', async () => {
    for (const args of [
      ['server', '--port', '0', '--data-dir', join(fleet.dir, 'bad-level')],
      ['agent', '--server', fleet.server.url, '--host-id', 'bad', '--root', join(fleet.dir, 'bad-agent')],
    ]) {
      const child = spawn(process.execPath, [FERRY_BIN, ...args], { env: { ...process.env, FERRY_LOG_LEVEL: 'loud', FERRY_AGENT_TOKEN: fleet.token }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      expect(await new Promise((resolve) => child.once('exit', resolve)), args[0]).toBe(2);
      expect(stderr, args[0]).toContain('FERRY_LOG_LEVEL');
      expect(stderr, args[0]).toContain('"loud"');
    }
  });
});
