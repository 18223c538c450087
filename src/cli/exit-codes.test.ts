/** Exit codes scripts branch on (CONTRACT §1), from the status and code alone and through the real CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeForStatus } from './exit-codes.js';
import { apiError, startFakeFerryApi, type FakeFerryApi } from '../testing/fake-ferry-api.js';
import { runFerry } from '../testing/fake-terminal.js';

describe('exitCodeForStatus', () => {
  it.each([
    [400, 'invalid_version', 2],
    [401, 'unauthenticated', 3],
    [403, 'forbidden', 3],
    [404, 'service_not_found', 2],
    [409, 'service_locked', 4],
    [409, 'replay_running', 4],
    [409, 'release_immutable', 2],
    [422, 'frozen', 4],
    [422, 'not_admitted', 4],
    [422, 'release_not_registered', 2],
    [500, 'internal', 1],
    [502, undefined, 1],
    [503, 'upgrading', 4],
    [503, undefined, 4],
  ])('%i %s → exit %i', (status, code, exit) => {
    expect(exitCodeForStatus(status, code)).toBe(exit);
  });

  const reasons = (...codes: string[]) => ({ reasons: codes.map((code) => ({ code, message: code })) });
  it.each([
    ['the soak not elapsed', reasons('soak_not_elapsed'), 4],
    ['an alert firing', reasons('alert_firing'), 4],
    ['not admitted', reasons('not_admitted'), 4],
    ['soak, alert and admission together', reasons('soak_not_elapsed', 'alert_firing', 'not_admitted'), 4],
    ['the same version (never passes later)', reasons('same_version'), 2],
    ['an empty channel (never passes later)', reasons('channel_empty'), 2],
    ['a soak and the same version', reasons('soak_not_elapsed', 'same_version'), 2],
    ['no reasons listed', { reasons: [] }, 2],
    ['no details at all', undefined, 2],
    ['reasons that are not objects', { reasons: ['soak_not_elapsed'] }, 2],
  ])('422 promotion_refused with %s → exit %i', (_name, details, exit) => {
    expect(exitCodeForStatus(422, 'promotion_refused', details)).toBe(exit);
  });
});

describe('ferry deploy refused by the server', () => {
  let api: FakeFerryApi;
  beforeAll(async () => {
    api = await startFakeFerryApi({
      'POST /api/v1/deployments': [
        apiError(409, 'service_locked', 'service hello is locked by deployment dep-1'),
        apiError(422, 'frozen', 'service hello is frozen'),
        apiError(422, 'not_admitted', 'hello 1.1.0 was not admitted'),
        apiError(503, 'store_unavailable', 'the store is busy'),
        apiError(400, 'invalid_version', 'version "latest" is a floating label'),
      ],
    });
  });
  afterAll(() => api.close());

  it.each([
    ['service_locked', 4],
    ['frozen', 4],
    ['not_admitted', 4],
    ['503', 4],
    ['invalid_version', 2],
  ])('%s → exit %i, one line', async (_what, exit) => {
    const run = await runFerry(['deploy', 'hello', '1.1.0', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(exit);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });
});
