/** `ferry status ID --watch`, Ctrl-C during a wait, and the recent-operation lists, against a loopback API. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, startFakeFerryApi, type Answer, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { EXIT_INTERRUPTED } from '../interrupt-signal.js';
import { durationText } from './operation-list-commands.js';

let api: FakeFerryApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function rollback(status: string, instanceStatus: string, version: string | null): Answer {
  return [200, { rollback_id: 'rb-1', service: 'hello', target_version: '1.0', status, reason: null, instances: [{ instance_id: 'a', status: instanceStatus, version, from_version: '2.0', to_version: '1.0' }] }];
}

async function untilRequests(fake: FakeFerryApi, path: string, count: number): Promise<void> {
  await pollUntil(`${count} requests to ${path}`, async () => fake.requests.filter((r) => r.url.startsWith(path)).length >= count || undefined, { timeoutMs: 5000, intervalMs: 10 });
}

describe('ferry status ID --watch', () => {
  it('attaches to a rollback by its id, with the lines and exit code of --wait', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/deployments/rb-1': [apiError(404, 'deployment_not_found', 'no such deployment')],
      'GET /api/v1/rollbacks/rb-1': [rollback('running', 'reverting', null), rollback('running', 'reverting', null), rollback('succeeded', 'succeeded', '1.0')],
    });
    const run = await runFerry(['status', 'rb-1', '--watch', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/after \d+\.\d s/, 'after T')).toBe(
      ['rollback rb-1  running', '  a  reverting  2.0', '  a  reverting  →  succeeded  1.0', 'rollback rb-1  running  →  succeeded', 'rollback rb-1 succeeded after T', ''].join('\n'),
    );
  });

  it('exits 1 when the watched deployment does not succeed', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/deployments/dep-9': [[200, { deploy_id: 'dep-9', status: 'failed', reason: { code: 'sha256_mismatch', message: 'bad package' }, instances: [] }]],
    });
    const run = await runFerry(['status', 'dep-9', '--watch', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/deployment dep-9 failed after \d+\.\d s: bad package\n$/);
  });

  it('Ctrl-C stops watching, says how to attach again, exits 130 and sends nothing to the server', async () => {
    api = await startFakeFerryApi({
      'POST /api/v1/deployments': [[202, { deploy_id: 'dep-5', status: 'pending' }]],
      'GET /api/v1/deployments/dep-5': [[200, { deploy_id: 'dep-5', status: 'running', instances: [{ instance_id: 'a', status: 'deploying', version: '1.0' }] }]],
    });
    const running = runFerry(['deploy', 'hello', '2.0', '--wait', '--server', api.url, '--token', api.token]);
    await untilRequests(api, '/api/v1/deployments/dep-5', 2);
    process.emit('SIGINT');
    const run = await running;
    expect(run.code).toBe(EXIT_INTERRUPTED);
    expect(run.stderr).toContain('stopped watching; deployment dep-5 goes on. Attach again with: ferry status dep-5 --watch');
    expect(api.requests.filter((r) => r.method !== 'GET').map((r) => r.url)).toEqual(['/api/v1/deployments']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

describe('Ctrl-C in a real ferry process', () => {
  it('exits 130 from `ferry status ID --watch` with the hint, leaving the operation alone', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/deployments/dep-7': [[200, { deploy_id: 'dep-7', status: 'running', instances: [] }]],
    });
    const bin = fileURLToPath(new URL('../../../bin/ferry', import.meta.url));
    const child = spawn(process.execPath, [bin, 'status', 'dep-7', '--watch', '--server', api.url, '--token', api.token], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await untilRequests(api, '/api/v1/deployments/dep-7', 3);
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT_INTERRUPTED);
    expect(stderr).toContain('ferry: stopped watching; deployment dep-7 goes on. Attach again with: ferry status dep-7 --watch');
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('ferry deployments / rollbacks', () => {
  it('lists recent deployments newest first, with version, actor and duration', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/deployments': [
        [
          200,
          {
            deployments: [
              { deploy_id: 'dep-2', kind: 'restart', service: 'hello', version: '2.0', status: 'succeeded', actor: 'admin', started_at: '2030-01-01T00:10:00.000Z', completed_at: '2030-01-01T00:13:05.000Z' },
              { deploy_id: 'dep-1', kind: 'deploy', service: 'hello', version: '2.0', status: 'rolled_back', actor: 'ci', started_at: '2030-01-01T00:00:00.000Z', completed_at: '2030-01-01T00:00:42.000Z' },
            ],
          },
        ],
      ],
    });
    const run = await runFerry(['deployments', 'hello', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'ID     SERVICE  VERSION        STATUS       ACTOR  STARTED                   DURATION',
        'dep-2  hello    2.0 (restart)  succeeded    admin  2030-01-01T00:10:00.000Z  3m05s',
        'dep-1  hello    2.0            rolled_back  ci     2030-01-01T00:00:00.000Z  42s',
        '',
      ].join('\n'),
    );
    expect(api.requests.at(-1)?.url).toBe('/api/v1/deployments?service=hello&limit=20');
  });

  it('lists rollbacks with their target version', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/rollbacks': [[200, { rollbacks: [{ rollback_id: 'rb-1', service: 'hello', target_version: '1.0', status: 'running', actor: 'admin', started_at: '2030-01-01T00:00:00.000Z', completed_at: null }] }]],
    });
    const run = await runFerry(['rollbacks', '--limit', '5', '--server', api.url, '--token', api.token]);
    expect(run.stdout.split('\n')[0]).toBe('ID    SERVICE  TARGET  STATUS   ACTOR  STARTED                   DURATION');
    expect(run.stdout).toContain('rb-1  hello    1.0     running  admin  2030-01-01T00:00:00.000Z');
    expect(api.requests.at(-1)?.url).toBe('/api/v1/rollbacks?limit=5');
  });

  it.each<[string | null, string | null, number, string | null]>([
    ['2030-01-01T00:00:00Z', '2030-01-01T00:00:42Z', 0, '42s'],
    ['2030-01-01T00:00:00Z', '2030-01-01T02:00:00Z', 0, '2h00m'],
    ['2030-01-01T00:00:00Z', null, Date.parse('2030-01-01T00:00:07Z'), '7s…'],
    [null, null, 0, null],
  ])('duration %s → %s', (started, completed, now, expected) => {
    expect(durationText(started, completed, now)).toBe(expected);
  });
});
