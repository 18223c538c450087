/** `ferry deploy --wait` in-process against a real loopback API that plays a canary through. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceSnapshot, OperationSnapshot, RolloutSnapshot } from '../operation-snapshot.js';
import { startFakeFerryApi, type Answer, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

type Row = [id: string, status: string, version: string];

function snapshot(status: string, rows: Row[], rollout: Partial<RolloutSnapshot> | null, reason: OperationSnapshot['reason'] = null): Answer {
  const instances: InstanceSnapshot[] = rows.map(([instance_id, s, version]) => ({ instance_id, status: s, version }));
  const completed = rows.filter(([, s]) => s === 'succeeded').length;
  const failed = rows.filter(([, s]) => s === 'failed').length;
  return [
    200,
    {
      status,
      reason,
      instances,
      progress: { total: rows.length, completed, failed, pending: rows.length - completed - failed },
      ...(rollout === null ? {} : { rollout: { step: 1, steps: 1, pause: null, batch_size: 1, in_flight: 0, ...rollout } }),
    },
  ];
}

const promoted = { kind: 'until_promoted' as const, until: null };
const CANARY: Answer[] = [
  snapshot('running', [['a', 'deploying', '1.0'], ['b', 'pending', '1.0']], { in_flight: 1 }),
  snapshot('paused', [['a', 'succeeded', '2.0'], ['b', 'pending', '1.0']], { pause: promoted }),
  snapshot('paused', [['a', 'succeeded', '2.0'], ['b', 'pending', '1.0']], { pause: promoted }),
  snapshot('running', [['a', 'succeeded', '2.0'], ['b', 'deploying', '1.0']], { step: null, steps: 0, in_flight: 1 }),
  snapshot('succeeded', [['a', 'succeeded', '2.0'], ['b', 'succeeded', '2.0']], { step: null, steps: 0 }),
];
const FAILING: Answer[] = [
  snapshot('running', [['a', 'deploying', '1.0']], null),
  snapshot('rolled_back', [['a', 'reverted', '1.0']], null, { code: 'health_timeout', message: 'instance a never became healthy' }),
];

let api: FakeFerryApi;

beforeAll(async () => {
  api = await startFakeFerryApi({
    'POST /api/v1/deployments': [[202, { deploy_id: 'dep-c', status: 'pending', started_at: '2030-01-01T00:00:00Z' }]],
  });
});

afterAll(async () => {
  await api.close();
});

async function deployAndWait(script: Answer[], tty: boolean) {
  const other = await startFakeFerryApi({
    'POST /api/v1/deployments': [[202, { deploy_id: 'dep-c', status: 'pending' }]],
    'GET /api/v1/deployments/dep-c': script,
  });
  try {
    return await runFerry(['deploy', 'hello', '2.0', '--strategy', 'canary:1', '--wait', '--server', other.url, '--token', other.token], { tty });
  } finally {
    await other.close();
  }
}

describe('ferry deploy --wait', () => {
  it('without --wait prints the deploy id alone', async () => {
    const run = await runFerry(['deploy', 'hello', '2.0', '--strategy', 'canary:1', '--server', api.url, '--token', api.token]);
    expect(run).toEqual({ code: 0, stdout: 'dep-c\n', stderr: '' });
    expect(JSON.parse(api.requests.at(-1)?.body ?? '')).toEqual({
      service: 'hello',
      version: '2.0',
      strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] },
    });
  });

  it('not on a terminal: plain lines, one per change, waiting through the pause', async () => {
    const run = await deployAndWait(CANARY, false);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout.replace(/after \d+\.\d s/, 'after T')).toBe(
      [
        'deployment dep-c  running',
        '  step 1/1 started',
        '  a  deploying  1.0',
        '  b  pending  1.0',
        '  a  deploying  →  succeeded  2.0',
        'deployment dep-c  running  →  paused',
        '  step 1/1 paused until promoted',
        '  paused: run "ferry promote dep-c" to continue',
        'deployment dep-c  paused  →  running',
        '  step 1/1 pause ended',
        '  batch started: b',
        '  b  pending  →  deploying  1.0',
        '  b  deploying  →  succeeded  2.0',
        'deployment dep-c  running  →  succeeded',
        'deployment dep-c succeeded after T',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal: the same lines above a redrawn bar, erased at the end', async () => {
    const run = await deployAndWait(CANARY, true);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[--------------------] 0/2  step 1/1  running  1 in flight');
    expect(run.stdout).toContain('  paused: run "ferry promote dep-c" to continue\n[##########----------] 1/2  step 1/1  paused until promoted\r\x1b[2K');
    // The last frame erases the bar and leaves only plain lines: no bar after the final line.
    expect(run.stdout).toMatch(/in flight\r\x1b\[2K {2}b {2}deploying {2}→ {2}succeeded {2}2\.0\ndeployment dep-c {2}running {2}→ {2}succeeded\ndeployment dep-c succeeded after \d+\.\d s\n$/);
  });

  it('a deployment that does not succeed: exit 1, with the reason', async () => {
    const run = await deployAndWait(FAILING, false);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/deployment dep-c rolled_back after \d+\.\d s: instance a never became healthy\n$/);
    expect(run.stderr).toBe('');
  });
});
