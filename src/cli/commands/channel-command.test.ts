/** `ferry channel …` against a fake API: what it sends, what it prints, and how refusals exit (CONTRACT §1, §4). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startFakeFerryApi, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

const CHANNELS = {
  channels: [
    { name: 'stable', version: '1.0.0', instances: ['web-2', 'web-3'], updated_at: null, soak_started_at: null, history: [] },
    { name: 'canary', version: '1.1.0', instances: ['web-1'], updated_at: '2026-01-01T00:00:00.000Z', soak_started_at: '2026-01-01T00:01:00.000Z', history: [{ version: '1.1.0', at: '2026-01-01T00:00:00.000Z', actor: 'ana', reason: 'try it', correlation_id: 'c' }] },
  ],
};

/** A 422 promotion_refused as the server sends it: its reasons in details. */
function promotionRefused(message: string, ...codes: string[]): [number, unknown] {
  return [422, { error: { code: 'promotion_refused', message, details: { reasons: codes.map((code) => ({ code, message: code })) } } }];
}

describe('ferry channel', () => {
  let api: FakeFerryApi;
  const run = (args: string[]) => runFerry(['channel', ...args, '--server', api.url, '--token', api.token]);
  beforeAll(async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/services/web/channels': [[200, CHANNELS]],
      'POST /api/v1/services/web/channels/canary/deploy': [[202, { deploy_id: 'dep-1', status: 'pending', instances: ['web-1'] }]],
      'POST /api/v1/services/web/channels/promote': [
        promotionRefused('cannot promote canary of web to stable: 18 minutes left', 'soak_not_elapsed'),
        promotionRefused('cannot promote canary of web to stable: stable already runs 1.1.0', 'same_version'),
        [202, { deploy_id: 'dep-2', status: 'pending', version: '1.1.0' }],
      ],
      'POST /api/v1/services/web/channels/stable/rollback': [apiError(400, 'reason_required', 'a channel rollback needs a reason'), [202, { rollback_id: 'rb-1', status: 'pending' }]],
    });
  });
  afterAll(() => api.close());

  it('list prints each channel with its version, instances and latest change', async () => {
    const result = await run(['list', 'web']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/canary +1\.1\.0 +web-1 +2026-01-01T00:01:00\.000Z +2026-01-01T00:00:00\.000Z +ana +try it/);
  });

  it('set sends the version, reason and freeze override, and prints the deploy id', async () => {
    const result = await run(['set', 'web', 'canary', '1.1.0', '--reason', 'try it', '--override-freeze', 'hotfix']);
    expect(result).toMatchObject({ code: 0, stdout: 'dep-1\n' });
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ version: '1.1.0', reason: 'try it', override_freeze: { reason: 'hotfix' } });
  });

  it('promote exits 4 on a promotion_refused a later try may pass (soak), 2 on one it never will (same version), then prints the deploy id', async () => {
    const refused = await run(['promote', 'web', '--from', 'canary', '--to', 'stable', '--reason', 'soaked']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/18 minutes left/);
    const never = await run(['promote', 'web', '--reason', 'soaked']);
    expect(never.code).toBe(2);
    expect(never.stderr).toMatch(/already runs 1\.1\.0/);
    const started = await run(['promote', 'web', '--reason', 'soaked']);
    expect(started).toMatchObject({ code: 0, stdout: 'dep-2\n' });
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ from: 'canary', to: 'stable', reason: 'soaked' });
  });

  it('rollback exits 2 on reason_required from the server, and needs --reason itself', async () => {
    expect((await run(['rollback', 'web', '--channel', 'stable', '--to', '1.0.0', '--reason', ' '])).code).toBe(2);
    expect((await run(['rollback', 'web', '--channel', 'stable', '--to', '1.0.0'])).code).toBe(2);
    expect(await run(['rollback', 'web', '--channel', 'stable', '--to', '1.0.0', '--reason', 'errors'])).toMatchObject({ code: 0, stdout: 'rb-1\n' });
  });
});
