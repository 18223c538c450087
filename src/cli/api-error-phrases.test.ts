import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCliWords, type ApiErrorFacts } from './api-error-phrases.js';
import { startFakeFerryApi, type Answer, type FakeFerryApi } from '../testing/fake-ferry-api.js';
import { runFerry } from '../testing/fake-terminal.js';

const error = (code: string, details: Record<string, unknown>, message = 'the server said so (PUT /api/v1/x)'): ApiErrorFacts => ({ code, message, details });

describe('inCliWords', () => {
  it.each<[ApiErrorFacts, string | null, string]>([
    [error('service_not_found', { service: 'helo' }), 'hello', 'service helo does not exist (did you mean hello?); declare it with: ferry service put helo --start … --instance HOST:PORT'],
    [error('service_not_found', { service: 'helo' }), null, 'service helo does not exist; declare it with: ferry service put helo --start … --instance HOST:PORT'],
    [error('no_instances', { service: 'hello' }), null, 'service hello has no instances; add them with: ferry service put hello --start … --instance HOST:PORT'],
    [error('release_not_registered', { service: 'hello', version: '9.0.0' }), null, 'release hello 9.0.0 is not registered; register it with: ferry release add hello 9.0.0 --package-url …'],
    // Without the details to build the sentence, the server's own message stands.
    [error('release_not_registered', { service: 'hello' }), null, 'the server said so (PUT /api/v1/x)'],
    [error('service_not_found', {}), 'hello', 'the server said so (PUT /api/v1/x)'],
    [error('instance_not_found', { instance_id: 'x' }, 'instance x does not exist'), null, 'instance x does not exist'],
    [{ message: 'the server answered HTTP 502', details: {} }, null, 'the server answered HTTP 502'],
  ])('%j, suggestion %s', (facts, suggestion, expected) => {
    expect(inCliWords(facts, suggestion)).toBe(expected);
  });
});

describe('ferry deploy against a server that refuses', () => {
  let api: FakeFerryApi;
  const refusal = (status: number, code: string, message: string, details: Record<string, unknown>): Answer => [status, { error: { code, message, details } }];
  beforeAll(async () => {
    api = await startFakeFerryApi({
      'POST /api/v1/deployments': [
        refusal(404, 'service_not_found', 'service helo is not declared; declare it with PUT /api/v1/services/helo', { service: 'helo' }),
        refusal(422, 'release_not_registered', 'release hello 9.9.9 is not registered; register it first (POST /api/v1/releases)', { service: 'hello', version: '9.9.9' }),
      ],
      'GET /api/v1/services': [[200, { services: [{ service: 'api' }, { service: 'hello' }] }]],
    });
  });
  afterAll(() => api.close());

  it('names the command that declares an unknown service, and the existing one it is close to', async () => {
    const run = await runFerry(['deploy', 'helo', '1.0.0', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ferry: service helo does not exist (did you mean hello?); declare it with: ferry service put helo --start … --instance HOST:PORT\n');
  });

  it('names the command that registers a release', async () => {
    const run = await runFerry(['deploy', 'hello', '9.9.9', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ferry: release hello 9.9.9 is not registered; register it with: ferry release add hello 9.9.9 --package-url …\n');
    expect(run.stderr).not.toMatch(/api\/v1/);
  });
});
