/**
 * What each route answers, for validation of nothing and documentation of everything:
 * the success bodies and the error statuses of every route, by "METHOD url" of the route
 * table. `openapi-docs.ts` merges them into each route's schema as it is registered.
 *
 * fastify serializes a reply with its response schema, dropping fields the schema does
 * not list; so every object here is open (`additionalProperties: true`) and lists only
 * fields every answer has, with their exact types (a nullable field as `T | null`, or the
 * serializer would turn null into "" or 0). A field not listed still goes out as it is.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** Declared error statuses per route; 400, 401/403 (unless public) and 500 are added for every route. */
export interface RouteResponses {
  success: Record<number, TSchema>;
  errors: number[];
}

function open(description: string, properties: Record<string, TSchema> = {}): TSchema {
  return Type.Object(properties, { additionalProperties: true, description });
}

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);
const AnyObject = Type.Object({}, { additionalProperties: true });
const Reason = Type.Union([Type.Object({ code: Str, message: Str }, { additionalProperties: true }), Type.Null()]);

const Replay = open('a staging replay run (CONTRACT §4)', {
  replay_id: Str,
  service: Str,
  version: Str,
  status: Str,
  passed: Type.Union([Type.Boolean(), Type.Null()]),
  requests: Type.Integer(),
  differences: Type.Array(AnyObject),
  noise_filtered: Type.Integer(),
  reason: Reason,
  summary: Str,
  started_at: Str,
  completed_at: NullableStr,
});

const OperationInstance = Type.Object(
  { instance_id: Str, status: Str, version: NullableStr, from_version: NullableStr, to_version: NullableStr, updated_at: NullableStr },
  { additionalProperties: true },
);
const Deployment = open('a deployment or restart', {
  deploy_id: Str,
  kind: Str,
  service: Str,
  version: NullableStr,
  status: Str,
  reason: Reason,
  progress: Type.Object({ total: Type.Integer(), completed: Type.Integer(), failed: Type.Integer(), pending: Type.Integer() }),
  instances: Type.Array(OperationInstance),
  rollout: AnyObject,
  actor: Str,
  started_at: NullableStr,
  updated_at: NullableStr,
  completed_at: NullableStr,
});
const AnalysisMeasurement = Type.Object({ phase: Str, query: Str, verdict: Str, values: AnyObject, reason: Str, measured_at: Str }, { additionalProperties: true });
const Analysis = open("a deployment's analysis (CONTRACT §5): the judgement of its current phase (null when the service has none) and its measurements, oldest first", {
  deploy_id: Str,
  service: Str,
  version: NullableStr,
  baseline_version: NullableStr,
  judgement: Type.Union([Type.Object({ phase: Str, state: Str, reason: Reason, dry_run: Type.Boolean() }, { additionalProperties: true }), Type.Null()]),
  measurements: Type.Array(AnalysisMeasurement),
});
const Rollback = open('a rollback', {
  rollback_id: Str,
  service: Str,
  target_version: NullableStr,
  status: Str,
  reason: Reason,
  instances: Type.Array(OperationInstance),
  actor: Str,
  started_at: NullableStr,
  completed_at: NullableStr,
});
const Release = open('a release', { service: Str, version: Str, package_url: Str, sha256: Str, git_sha: NullableStr, build_time: NullableStr, registered_at: NullableStr });
const Service = open('a service with its spec, desired and previous version and active lock', {
  name: Str,
  service: Str,
  start: Str,
  desired_version: NullableStr,
  previous_version: NullableStr,
  lock: Type.Union([AnyObject, Type.Null()]),
  instances: Type.Array(AnyObject),
});
const Token = open('a named token (never its secret)', { token_id: Str, name: Str, role: Str, host_id: NullableStr, expires_at: NullableStr, status: Str });
const Session = open('a session', { session_id: Str, service: Str, instance_id: Str, host: Str, address: Str, port: Type.Integer(), runtime_version: Str, expires_at: Str });
const Started = (what: string, properties: Record<string, TSchema>) => open(`${what} accepted; follow it by its id`, properties);
const RollbackStarted = Started('the rollback', { rollback_id: Str, target_version: NullableStr, status: Str });

const Alert = open('an alert (CONTRACT §3)', {
  id: Str,
  name: Str,
  severity: Str,
  state: Str,
  service: Str,
  summary: Str,
  current_version: NullableStr,
  previous_version: NullableStr,
  deploy_id: NullableStr,
  rollback_id: NullableStr,
  correlation_id: Str,
  runbook_url: NullableStr,
  oncall: NullableStr,
  started_at: Str,
  resolved_at: NullableStr,
});

const Freeze = open('a freeze window, whether it covers now and when that stretch ends', {
  freeze_id: Str,
  service: NullableStr,
  starts_at: Str,
  ends_at: Str,
  reason: Str,
  recurrence: Type.Union([AnyObject, Type.Null()]),
  created_at: Str,
  created_by: Str,
  active_now: Type.Boolean(),
  current_ends_at: NullableStr,
});
const ChannelHistoryEntry = Type.Object({ version: Str, at: Str, actor: Str, reason: NullableStr, correlation_id: Str, deploy_id: Str, soak_started_at: NullableStr }, { additionalProperties: true });
const Channel = open('a channel (CONTRACT §4)', {
  name: Str,
  version: NullableStr,
  instances: Type.Array(Str),
  updated_at: NullableStr,
  soak_started_at: NullableStr,
  history: Type.Array(ChannelHistoryEntry),
});
const Evidence = open('an evidence record (CONTRACT §4)', {
  id: Type.Integer(),
  service: Str,
  version: Str,
  check: Str,
  passed: Type.Boolean(),
  summary: NullableStr,
  url: NullableStr,
  details: Type.Union([AnyObject, Type.Null()]),
  source: Str,
  actor: Str,
  correlation_id: Str,
  recorded_at: Str,
});
const Readiness = open('a readiness evaluation (CONTRACT §4): admitted only when every required check passed and replay passed', {
  service: Str,
  version: Str,
  admitted: Type.Boolean(),
  failed_checks: Type.Array(Str),
  missing_checks: Type.Array(Str),
  checks: Type.Record(Str, open('the newest record of one check', { passed: Type.Boolean(), at: Str, source: Str, summary: NullableStr, url: NullableStr, fresh: Type.Boolean() })),
  replay_passed: Type.Boolean(),
  required: Type.Array(Str),
  evaluated_at: Str,
});

const OK = (schema: TSchema) => ({ 200: schema });
const PreflightReason = Type.Object({ gate: Str, code: Str, blocking: Type.Boolean(), message: Str, details: AnyObject }, { additionalProperties: true });
const Preflight = open('every reason a release of the version would be refused now; ok when none blocks', {
  service: Str,
  version: Str,
  ok: Type.Boolean(),
  checked_at: Str,
  reasons: Type.Array(PreflightReason),
});
const ServicePlan = open('what a PUT of the service changes (instances added and removed, settings changed; env keys by name only)', {
  service: Str,
  creates_service: Type.Boolean(),
  added: Type.Array(AnyObject),
  removed: Type.Array(AnyObject),
  settings: Type.Array(AnyObject),
  warnings: Type.Array(Str),
  changes: Type.Boolean(),
});
const ServiceDryRun = open('with ?dry_run=true: the plan alone; nothing changed', { dry_run: Type.Literal(true), service: Str, plan: ServicePlan, warnings: Type.Array(Str) });
const DeploymentDryRun = open('with "dry_run": true: the batches and the instances each would change; nothing stored', {
  dry_run: Type.Literal(true),
  service: Str,
  version: Str,
  whole_service: Type.Boolean(),
  total: Type.Integer(),
  batches: Type.Array(AnyObject),
});

export const ROUTE_RESPONSES: Record<string, RouteResponses> = {
  'GET /api/v1/openapi.json': { success: OK(open('this OpenAPI 3.1 document')), errors: [] },
  'GET /healthz': {
    success: {
      200: Type.Object({ status: Type.Literal('ok'), ready: Type.Literal(true) }, { description: 'ready' }),
      503: Type.Object({ status: Str, ready: Type.Literal(false) }, { description: 'not ready yet' }),
    },
    errors: [],
  },
  'GET /version': { success: OK(open('the server build', { service: Str, version: Str, build_time: NullableStr, git_sha: NullableStr, ready: Type.Boolean() })), errors: [] },
  'GET /metrics': {
    success: {
      200: {
        description: 'Prometheus text format 0.0.4, or OpenMetrics 1.0 when the Accept header asks for application/openmetrics-text',
        content: { 'text/plain': { schema: Type.String() }, 'application/openmetrics-text': { schema: Type.String() } },
      } as unknown as TSchema,
    },
    errors: [],
  },

  'POST /api/v1/releases': { success: { 201: Release, 200: open('the identical release, already registered') }, errors: [409] },
  'GET /api/v1/releases/:service/:version': {
    success: OK(open('the release, its evidence oldest first, and its last readiness evaluation (null when never evaluated)', { service: Str, version: Str, evidence: Type.Array(Evidence), readiness: Type.Union([Readiness, Type.Null()]) })),
    errors: [404],
  },
  'POST /api/v1/releases/:service/:version/evidence': { success: { 201: Evidence }, errors: [404] },
  'POST /api/v1/releases/:service/:version/readiness/evaluate': { success: OK(Readiness), errors: [404] },
  'GET /api/v1/releases/:service/:version/readiness': { success: OK(Readiness), errors: [404] },
  'GET /api/v1/services/:service/releases': { success: OK(open('the releases, newest first', { service: Str, releases: Type.Array(AnyObject) })), errors: [404] },
  'GET /api/v1/releases/:service/:version/preflight': { success: OK(Preflight), errors: [404] },

  'PUT /api/v1/services/:service': { success: OK(Type.Union([ServiceDryRun, Service])), errors: [404, 409, 422] },
  'GET /api/v1/services': { success: OK(open('every service', { services: Type.Array(AnyObject) })), errors: [] },
  'GET /api/v1/services/:service': { success: OK(Service), errors: [404] },
  'GET /api/v1/hosts': { success: OK(open('every agent', { hosts: Type.Array(AnyObject) })), errors: [] },

  'GET /api/v1/services/:service/instances': { success: OK(open("the service's instances", { service: Str, instances: Type.Array(AnyObject), total: Type.Integer() })), errors: [404] },
  'GET /api/v1/services/:service/versions': {
    success: OK(open('which version each instance runs', { service: Str, desired_version: NullableStr, instances: Type.Array(AnyObject), version_summary: AnyObject, drift_count: Type.Integer() })),
    errors: [404],
  },
  'GET /api/v1/instances/:id/history': { success: OK(open('the versions the instance ran, or the one it ran `at`', { instance_id: Str, service: Str })), errors: [404] },
  'DELETE /api/v1/instances/:id/pin': {
    success: OK(open('the pin cleared; the instance goes to the desired version', { instance_id: Str, service: Str, cleared_pin: NullableStr, target_version: NullableStr, unpinned: Type.Boolean() })),
    errors: [404, 409, 422],
  },
  'POST /api/v1/instances/:id/release': { success: OK(open('the instance, back in service', { instance_id: Str, service: Str, released: Type.Boolean() })), errors: [404, 409, 422] },
  'GET /api/v1/instances/:id/logs': {
    success: OK(open('the end of the instance log', { instance_id: Str, service: Str, host: Str, lines: Type.Array(Str), next_after: Type.Integer(), truncated: Type.Boolean() })),
    errors: [404, 503],
  },

  'POST /api/v1/deployments': { success: { 202: Started('the deployment', { deploy_id: Str, status: Str, started_at: Str }), 200: DeploymentDryRun }, errors: [404, 409, 422, 503] },
  'GET /api/v1/deployments/:id': { success: OK(Deployment), errors: [404] },
  'GET /api/v1/deployments/:id/analysis': { success: OK(Analysis), errors: [404] },
  'POST /api/v1/deployments/:id/abort': { success: OK(Deployment), errors: [404, 409, 422] },
  'POST /api/v1/deployments/:id/pause': { success: OK(Deployment), errors: [404, 409, 422] },
  'POST /api/v1/deployments/:id/resume': { success: OK(Deployment), errors: [404, 409, 422] },
  'POST /api/v1/deployments/:id/promote': { success: OK(Deployment), errors: [404, 409, 422] },
  'GET /api/v1/deployments': { success: OK(open('recent deployments and restarts, newest first', { deployments: Type.Array(Deployment) })), errors: [] },

  'POST /api/v1/rollbacks/instance': { success: { 202: RollbackStarted }, errors: [404, 409, 422, 503] },
  'POST /api/v1/rollbacks/batch': { success: { 202: RollbackStarted }, errors: [404, 409, 422, 503] },
  'POST /api/v1/services/:service/rollback': { success: { 202: Rollback }, errors: [404, 409, 422, 503] },
  'GET /api/v1/rollbacks/:id': { success: OK(Rollback), errors: [404] },
  'GET /api/v1/rollbacks': { success: OK(open('recent rollbacks, newest first', { rollbacks: Type.Array(Rollback) })), errors: [] },

  'GET /api/v1/services/:service/channels': { success: OK(open('the channels of the service: stable, canary, then declared ones', { service: Str, channels: Type.Array(Channel) })), errors: [404] },
  'POST /api/v1/services/:service/channels/:channel/deploy': {
    success: { 202: Started('the channel deployment', { deploy_id: Str, status: Str, channel: Str, version: NullableStr, instances: Type.Array(Str), started_at: Str }) },
    errors: [404, 409, 422, 503],
  },
  'POST /api/v1/services/:service/channels/promote': { success: { 202: Started('the promotion (a whole-service deployment)', { deploy_id: Str, status: Str, from: Str, to: Str, version: NullableStr, started_at: Str }) }, errors: [404, 409, 422, 503] },
  'POST /api/v1/services/:service/channels/:channel/rollback': { success: { 202: Rollback }, errors: [404, 409, 422, 503] },

  'POST /api/v1/vm/rebootstrap': {
    success: { 202: Started('the restart or rollout', { operation_id: Str, mode: Str, service: Str, target_version: NullableStr, deploy_id: Str }) },
    errors: [404, 409, 422, 503],
  },
  'POST /api/v1/releases/:service/:version/replay': { success: { 202: Replay }, errors: [404, 409, 422] },
  'GET /api/v1/replays/:id': { success: OK(Replay), errors: [404] },
  'GET /api/v1/releases/:service/:version/replays': { success: OK(open("a release's replays, newest first", { service: Str, version: Str, replays: Type.Array(Replay) })), errors: [404] },
  'GET /api/v1/alerts': { success: OK(open('alerts, newest first', { alerts: Type.Array(Alert) })), errors: [] },
  'GET /api/v1/audit': { success: OK(open('audit events, oldest first', { events: Type.Array(AnyObject) })), errors: [] },
  'GET /api/v1/audit/stream': {
    success: { 200: { description: 'server-sent events: `id:` the audit id, `data:` one audit event as in GET /api/v1/audit; heartbeat comments; resumes after Last-Event-ID', content: { 'text/event-stream': { schema: Type.String() } } } as unknown as TSchema },
    errors: [503],
  },

  'POST /api/v1/sessions': { success: { 201: Session }, errors: [404, 503] },
  'GET /api/v1/sessions/:session_id': { success: OK(Session), errors: [404] },
  'DELETE /api/v1/sessions/:session_id': { success: OK(Session), errors: [404] },

  'GET /api/v1/agents/:host/assignments': { success: OK(open("the host's assignments (core/agent-protocol.ts)", { host: Str, revision: Str, heartbeat_s: Type.Number(), instances: Type.Array(AnyObject) })), errors: [] },
  'POST /api/v1/agents/:host/heartbeat': { success: OK(open('acknowledged', { ok: Type.Boolean() })), errors: [] },
  'POST /api/v1/agents/:host/logs/:request_id': { success: OK(open('answer delivered', { ok: Type.Boolean() })), errors: [404] },

  'POST /api/v1/tokens': { success: { 201: open('the token, with its secret shown only here', { token_id: Str, name: Str, role: Str, token: Str }) }, errors: [409] },
  'GET /api/v1/tokens': { success: OK(open('every token, never a secret', { tokens: Type.Array(Token) })), errors: [] },
  'DELETE /api/v1/tokens/:token_id': { success: OK(Token), errors: [404] },

  'POST /api/v1/freezes': { success: { 201: Freeze }, errors: [404] },
  'GET /api/v1/freezes': { success: OK(open('live freeze windows, oldest first; with ?service= those that apply to it (its own and the global ones)', { freezes: Type.Array(Freeze) })), errors: [404] },
  'GET /api/v1/freezes/:freeze_id': { success: OK(Freeze), errors: [404] },
  'DELETE /api/v1/freezes/:freeze_id': { success: OK(Freeze), errors: [404] },
};
