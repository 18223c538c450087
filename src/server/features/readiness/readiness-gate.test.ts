/**
 * The readiness gate through the real createDeployment / previewDeployment on a real
 * SQLite store: enforced server-wide (P6_READINESS_REQUIRED) or by the service's
 * `readiness.enforce`; a whole-service deployment of a release not admitted is refused
 * 422 not_admitted (and so is its dry run), nothing is stored; a partial one is not held.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../core/errors.js';
import type { ReadinessSpec } from '../../../core/types.js';
import { makeService } from '../../../testing/builders.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { transactionWithEvents } from '../../events/record-event.js';
import { createDeployment, previewDeployment } from '../deployments/create-deployment.js';
import { registerRelease } from '../releases/release-service.js';
import { applyServiceSpec } from '../services/apply-service-spec.js';
import { appendEvidenceRecorded } from './append-evidence.js';
import { notAdmittedMessage, readinessEnforced } from './readiness-gate.js';
import { recordCallerEvidence } from './readiness-service.js';

const T = Date.UTC(2026, 0, 1);
const alice = { actor: 'alice', correlationId: 'c-gate' };
let fake: FakeServerContext | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function fleet(opts: { env?: NodeJS.ProcessEnv; readiness?: ReadinessSpec; replay?: boolean }): Promise<FakeServerContext> {
  fake = await openFakeServerContext({ now: () => T, ...(opts.env ? { env: opts.env } : {}) });
  await applyServiceSpec(fake.ctx, 'web', { start: 'node server.js', instances: [7001, 7002].map((port) => ({ host: 'h1', port })), ...(opts.readiness ? { readiness: opts.readiness } : {}), ...(opts.replay ? { replay: { requests: [{ method: 'GET', path: '/' }] } } : {}) }, alice);
  await registerRelease(fake.ctx, { service: 'web', version: '2.0.0', package_url: 'https://example.test/web-2.0.0.tgz', sha256: 'a'.repeat(64) }, alice);
  return fake;
}

/** A passing `replay` record as Ferry's replay writes it (callers may not post source ferry). */
async function ferryReplayPassed(f: FakeServerContext): Promise<void> {
  const draft = { service: 'web', version: '2.0.0', check: 'replay', passed: true, summary: 'replayed 10 requests', url: null, details: null, source: 'ferry', actor: 'ferry', correlation_id: 'c-replay', recorded_at: T };
  await transactionWithEvents(f.store, f.ctx.events, (tx) => appendEvidenceRecorded(tx, draft, { request_id: null, trace_id: null, deploy_id: null }));
}

async function refusal(promise: Promise<unknown>): Promise<UnprocessableError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnprocessableError);
  return error as UnprocessableError;
}

describe('readinessEnforced', () => {
  it.each([
    [{}, null, false],
    [{ P6_READINESS_REQUIRED: 'true' }, null, true],
    [{}, { enforce: true }, true],
    [{}, { enforce: false }, false],
    [{ P6_READINESS_REQUIRED: 'true' }, { enforce: false }, true],
  ])('env %j, readiness %j → %s', async (env, readiness, expected) => {
    const f = await fleet({ env });
    expect(readinessEnforced(f.ctx, makeService({ readiness }))).toBe(expected);
  });
});

describe('the readiness gate on deployments', () => {
  it('server-wide: a whole-service deployment of a release with no evidence is refused, listing every missing check; nothing stored', async () => {
    const f = await fleet({ env: { P6_READINESS_REQUIRED: 'true' } });
    const error = await refusal(createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice));
    expect(error.code).toBe('not_admitted');
    expect(error.details).toMatchObject({ failed_checks: [], missing_checks: ['quality', 'performance', 'security', 'cost', 'rollout', 'rollback', 'ops', 'replay'], replay_passed: false });
    expect(error.message).toMatch(/missing quality, performance, security, cost, rollout, rollback, ops, replay/);
    expect(await f.store.listOperations({ service: 'web' })).toEqual([]);
  });

  it('the dry run shows the same refusal', async () => {
    const f = await fleet({ env: { P6_READINESS_REQUIRED: 'true' } });
    expect((await refusal(previewDeployment(f.ctx, { service: 'web', version: '2.0.0', dry_run: true }, alice))).code).toBe('not_admitted');
  });

  it('a partial deployment of the same release is not held', async () => {
    const f = await fleet({ env: { P6_READINESS_REQUIRED: 'true' } });
    const instances = (await f.store.listInstances({ service: 'web' })).map((i) => i.instance_id);
    const operation = await createDeployment(f.ctx, { service: 'web', version: '2.0.0', instances: [instances[0]!] }, alice);
    expect(operation.whole_service).toBe(false);
  });

  it("the service's readiness.enforce with a declared replay: failed checks are named; once every required check and the replay passed, it deploys", async () => {
    const f = await fleet({ readiness: { enforce: true, required: ['quality', 'security'] }, replay: true });
    await recordCallerEvidence(f.ctx, 'web', '2.0.0', { check: 'quality', passed: true }, alice);
    await recordCallerEvidence(f.ctx, 'web', '2.0.0', { check: 'security', passed: false }, alice);
    const error = await refusal(createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice));
    expect(error.details).toMatchObject({ failed_checks: ['security'], missing_checks: [], replay_passed: false });
    expect(error.message).toBe('release web 2.0.0 is not admitted: failed security; replay has not passed; post evidence (ferry evidence add) and retry');

    await recordCallerEvidence(f.ctx, 'web', '2.0.0', { check: 'security', passed: true }, alice);
    expect((await refusal(createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice))).details).toMatchObject({ failed_checks: [], missing_checks: [], replay_passed: false });
    await ferryReplayPassed(f);
    const operation = await createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice);
    expect(operation).toMatchObject({ whole_service: true, version: '2.0.0' });
  });

  it('required without replay and no replay declared: replay still holds the release (CONTRACT §4), unlisted', async () => {
    const f = await fleet({ readiness: { enforce: true, required: ['quality'] } });
    const error = await refusal(createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice));
    expect(error.message).toBe('release web 2.0.0 is not admitted: missing quality; replay has not passed; post evidence (ferry evidence add) and retry');
    await recordCallerEvidence(f.ctx, 'web', '2.0.0', { check: 'quality', passed: true }, alice);
    const held = await refusal(createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice));
    expect(held.details).toMatchObject({ failed_checks: [], missing_checks: [], replay_passed: false });
    expect(held.message).toBe('release web 2.0.0 is not admitted: replay has not passed; post evidence (ferry evidence add) and retry');
    await ferryReplayPassed(f);
    expect((await createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice)).whole_service).toBe(true);
  });

  it('not enforced: a release with no evidence deploys', async () => {
    const f = await fleet({});
    expect((await createDeployment(f.ctx, { service: 'web', version: '2.0.0' }, alice)).whole_service).toBe(true);
  });
});

describe('notAdmittedMessage', () => {
  it.each([
    [{ failed_checks: ['security'], missing_checks: ['cost', 'ops'], replay_passed: false }, 'failed security; missing cost, ops; replay has not passed'],
    [{ failed_checks: [], missing_checks: ['replay'], replay_passed: false }, 'missing replay'],
    [{ failed_checks: [], missing_checks: [], replay_passed: false }, 'replay has not passed'],
    [{ failed_checks: ['ops'], missing_checks: [], replay_passed: false }, 'failed ops; replay has not passed'],
    [{ failed_checks: ['ops'], missing_checks: [], replay_passed: true }, 'failed ops'],
    [{ failed_checks: ['replay'], missing_checks: ['ops'], replay_passed: false }, 'failed replay; missing ops'],
  ])('%j', (shortfall, reasons) => {
    expect(notAdmittedMessage('web', '2.0.0', shortfall)).toBe(`release web 2.0.0 is not admitted: ${reasons}; post evidence (ferry evidence add) and retry`);
  });
});
