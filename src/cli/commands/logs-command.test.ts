/** `ferry logs` against a loopback API: the tail, then --follow from next_after until Ctrl-C. */
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { apiError, startFakeFerryApi, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

let api: FakeFerryApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

const answer = (lines: string[], next_after: number) => [200, { instance_id: 'web-1', lines, next_after, truncated: false }] as [number, unknown];

describe('ferry logs', () => {
  it('prints the last lines', async () => {
    api = await startFakeFerryApi({ 'GET /api/v1/instances/web-1/logs': [answer(['a', 'b'], 4)] });
    const run = await runFerry(['logs', 'web-1', '--lines', '2', '--server', api.url, '--token', api.token]);
    expect(run).toEqual({ code: 0, stdout: 'a\nb\n', stderr: '' });
    expect(api.requests[0]?.url).toBe('/api/v1/instances/web-1/logs?lines=2');
  });

  it('--follow asks for what follows next_after, rides out a 503, and ends on Ctrl-C with 0', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/instances/web-1/logs': [answer(['a'], 2), apiError(503, 'agent_unavailable', 'the agent did not answer'), answer(['b', 'c'], 6), answer([], 6)],
    });
    const fake = api;
    const running = runFerry(['logs', 'web-1', '--follow', '--server', fake.url, '--token', fake.token]);
    await pollUntil('the follower to poll four times', async () => fake.requests.length >= 4 || undefined, { timeoutMs: 10_000, intervalMs: 20 });
    process.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('a\nb\nc\n');
    expect(run.stderr).toContain('still following');
    expect(fake.requests.slice(1, 4).map((r) => r.url)).toEqual([
      '/api/v1/instances/web-1/logs?lines=1000&after=2',
      '/api/v1/instances/web-1/logs?lines=1000&after=2',
      '/api/v1/instances/web-1/logs?lines=1000&after=6',
    ]);
  });
});
