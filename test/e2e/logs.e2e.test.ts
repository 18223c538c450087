/**
 * `ferry logs` end to end: a real server, a real agent and a real hello-service instance.
 * The log travels server → assignments long-poll → agent → POST answer → server → CLI;
 * a follower continues from `next_after` and sees a restart's marker and new output; an
 * agent that is gone makes the server answer 503 with Retry-After, not hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry } from '../../src/testing/fake-terminal.js';
import { refusalOf } from '../../src/local-fleet/ferry-api.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const SERVICE = 'logged';
let fleet: LocalFleet;
let instanceId: string;

interface LogsAnswer {
  lines: string[];
  next_after: number;
  truncated: boolean;
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_LOG_REQUEST_TIMEOUT_S: '2' } });
  const [port] = await freePorts(1);
  const pkg = await packageHello(fleet.dir, SERVICE, 'v1');
  await fleet.api.post('/api/v1/releases', { service: SERVICE, version: 'v1', package_url: pkg.package_url, sha256: pkg.sha256 });
  await fleet.api.put(`/api/v1/services/${SERVICE}`, { start: 'echo "hello from $FERRY_INSTANCE_ID"; exec node server.js', instances: [{ host: 'local', port }] });
  const { deploy_id } = await fleet.api.post('/api/v1/deployments', { service: SERVICE, version: 'v1' });
  expect((await fleet.api.waitForDeployment(deploy_id)).status).toBe('succeeded');
  instanceId = (await fleet.api.get(`/api/v1/services/${SERVICE}/instances`)).instances[0].instance_id;
}, 120_000);

afterAll(async () => {
  await fleet?.stop([SERVICE]);
}, 60_000);

describe('ferry logs through the agent', () => {
  it('answers the tail of the instance log, its start marker included', async () => {
    const answer = await fleet.api.get<LogsAnswer>(`/api/v1/instances/${instanceId}/logs?lines=10`);
    expect(answer.lines).toContainEqual(`hello from ${instanceId}`);
    expect(answer.lines.some((l) => l.startsWith(`--- ferry: starting instance ${instanceId} version v1 at `))).toBe(true);
    expect(answer.next_after).toBeGreaterThan(0);

    const run = await runFerry(['logs', instanceId, '--lines', '2', '--server', fleet.server.url, '--token', fleet.token]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^hello from ${instanceId}\nhello-service v1 listening on .*\n$`));
  });

  it('follows from next_after: a restart shows up as a new marker and new output only', async () => {
    const before = await fleet.api.get<LogsAnswer>(`/api/v1/instances/${instanceId}/logs?lines=1`);
    const quiet = await fleet.api.get<LogsAnswer>(`/api/v1/instances/${instanceId}/logs?after=${before.next_after}`);
    expect(quiet.lines).toEqual([]);
    const { deploy_id } = await fleet.api.post('/api/v1/vm/rebootstrap', { service: SERVICE, mode: 'restart' });
    expect((await fleet.api.waitForDeployment(deploy_id)).status).toBe('succeeded');
    const next = await pollUntil('the restart in the log', async () => {
      const answer = await fleet.api.get<LogsAnswer>(`/api/v1/instances/${instanceId}/logs?after=${before.next_after}`);
      return answer.lines.includes(`hello from ${instanceId}`) ? answer : undefined;
    });
    expect(next.lines[0]).toMatch(/^--- ferry: starting instance .* version v1 at /);
    expect(next.next_after).toBeGreaterThan(before.next_after);
  });

  it('refuses bad input and unknown instances', async () => {
    expect((await refusalOf(fleet.api.get(`/api/v1/instances/${instanceId}/logs?lines=1001`))).status).toBe(400);
    expect((await refusalOf(fleet.api.get('/api/v1/instances/nope/logs'))).code).toBe('instance_not_found');
  });

  it('answers 503 with Retry-After when the agent does not answer in time', async () => {
    await fleet.agents.get('local')!.stop();
    const refused = await refusalOf(fleet.api.get(`/api/v1/instances/${instanceId}/logs`));
    expect([refused.status, refused.code]).toEqual([503, 'agent_unavailable']);
    expect(refused.headers.get('retry-after')).toBe('2');
    await fleet.startAgent('local');
  });
});
