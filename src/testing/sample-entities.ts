/**
 * Test support (not built): fully populated domain values for the store contract, built on
 * the builders of builders.ts. Every optional field is filled with a non-default value,
 * so a round-trip that drops or mangles a column shows.
 */
import type { ApiToken, AuditEventDraft, Host, Instance, InstanceObservation, Operation, OperationTarget, Release, Service, Session } from '../core/types.js';
import { makeInstance, makeOperation, makeService, makeTarget } from './builders.js';

/** The fixed moment the sample entities were made at. */
const SAMPLE_AT = 1_700_000_000_000;

export function sampleRelease(overrides: Partial<Release> = {}): Release {
  return {
    service: 'web',
    version: '1.0.0',
    package_url: 'https://packages.example/web-1.0.0.tar.gz',
    sha256: 'a'.repeat(64),
    git_sha: '0123456789abcdef0123456789abcdef01234567',
    build_time: '2024-05-01T10:00:00Z',
    registered_at: SAMPLE_AT,
    ...overrides,
  };
}

export function sampleService(overrides: Partial<Service> = {}): Service {
  return makeService({
    name: 'web',
    start: 'node server.js --port $PORT',
    env: { NODE_ENV: 'production', GREETING: 'hello "world"' },
    verify: [{ path: '/ping', method: 'GET', expect_status: 200, body_contains: 'pong', timeout_ms: 1500 }],
    strategy: {
      type: 'canary',
      steps: [{ instances: 1, pause: 'until_promoted' }, { percent: 50, pause_s: 30 }],
      batch_size: 2,
      auto_rollback: false,
    },
    drift_policy: 'quarantine',
    keep_releases: 3,
    drain_s: 2.5,
    oncall: 'team-web',
    runbooks: { DeploymentRolledBack: 'https://wiki.test/web/rolled-back' },
    readiness: { required: ['quality', 'security', 'replay'], max_age_s: 86_400, enforce: true },
    replay: { requests: [{ method: 'GET', path: '/api/items?q=a', headers: { accept: 'application/json' } }], compare: ['status', 'body'], ignore: ['/served_at'], max_diff_ratio: 0, host: 'host-a' },
    replay_after_rollback: false,
    channels: { canary: { instances: 1, min_soak_minutes: 15 } },
    created_at: SAMPLE_AT,
    updated_at: SAMPLE_AT,
    ...overrides,
  });
}

export function sampleInstance(overrides: Partial<Instance> = {}): Instance {
  return makeInstance('web-host-a-8080', null, {
    service: 'web',
    host: 'host-a',
    port: 8080,
    goal: { version: '1.0.0', generation: 3, action: 'run', timeout_s: 0.5 },
    created_at: SAMPLE_AT,
    ...overrides,
  });
}

export function sampleObservation(overrides: Partial<InstanceObservation> = {}): InstanceObservation {
  return {
    status: 'ready',
    version: '1.0.0',
    proof: { source: { type: 'http', detail: 'GET /version field version' }, refusal: null },
    pid: 4242,
    achieved_generation: 3,
    outcome: { generation: 3, ok: false, code: 'health_timeout', message: 'no 2xx within 0.5s', switched: true },
    at: 1_700_000_005_000,
    ...overrides,
  };
}

export function sampleHost(overrides: Partial<Host> = {}): Host {
  return { host: 'host-a', address: '10.0.0.1', agent_version: '0.1.0+abc', last_heartbeat_at: SAMPLE_AT, kept_releases: { web: ['1.0.0', '2.0.0'] }, ...overrides };
}

export function sampleOperation(overrides: Partial<Operation> = {}): Operation {
  return makeOperation({
    service: 'web',
    status: 'running',
    reason: { code: 'health_timeout', message: 'instance web-1 did not become healthy' },
    strategy: { type: 'rolling', batch_size: 2, min_healthy_time_s: 5, auto_rollback: true },
    timeout_s: 1.5,
    retry_count: 2,
    auto_rollback: false,
    rollout: { steps_done: 1, pause: { kind: 'timed', until: 1_700_000_060_000, since: SAMPLE_AT }, progress_at: 1_700_000_000_500, abort: null },
    request_id: 'req-1',
    trace: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', root_span_id: '00f067aa0ba902b7', parent_span_id: 'b7ad6b7169203331', flags: '01' },
    created_at: SAMPLE_AT,
    updated_at: 1_700_000_001_000,
    completed_at: 1_700_000_002_000,
    ...overrides,
  });
}

export function sampleTarget(overrides: Partial<OperationTarget> = {}): OperationTarget {
  return makeTarget('web-host-a-8080', '1.0.0', '2.0.0', {
    status: 'deploying',
    attempts: 1,
    generation: 4,
    changed: true,
    started_at: 1_700_000_000_500,
    healthy_at: 1_700_000_000_900,
    updated_at: 1_700_000_001_000,
    reason: { code: 'version_mismatch', message: 'answered 1.0.0' },
    ...overrides,
  });
}

export function sampleAudit(overrides: Partial<AuditEventDraft> = {}): AuditEventDraft {
  return {
    at: SAMPLE_AT,
    type: 'deploy_started',
    service: 'web',
    version: '2.0.0',
    instance_id: 'web-host-a-8080',
    deploy_id: 'dep-1',
    actor: 'alice',
    correlation_id: 'corr-1',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    request_id: 'req-1',
    details: { strategy: 'rolling', batches: [1, 2], nested: { ok: true, note: null } },
    ...overrides,
  };
}
export function sampleSession(overrides: Partial<Session> = {}): Session {
  return {
    session_id: 'ses-1',
    service: 'web',
    tenant_id: null,
    instance_id: 'web-host-a-8080',
    host: 'host-a',
    address: '10.0.0.1',
    port: 8080,
    runtime_version: '1.0.0',
    created_at: SAMPLE_AT,
    expires_at: 1_700_003_600_000,
    ended_at: null,
    ...overrides,
  };
}

export function sampleToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    token_id: 'tok_1',
    name: 'ci',
    role: 'agent',
    host_id: 'host-a',
    secret_sha256: 'c'.repeat(64),
    created_at: SAMPLE_AT,
    created_by: 'admin',
    expires_at: 1_800_000_000_000,
    revoked_at: null,
    ...overrides,
  };
}
