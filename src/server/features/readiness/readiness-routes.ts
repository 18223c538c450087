/**
 * Evidence and readiness of a release (CONTRACT §4), and the release with both:
 *   POST /api/v1/releases/{service}/{version}/evidence            → 201 the record
 *   POST /api/v1/releases/{service}/{version}/readiness/evaluate  → the verdict, stored
 *   GET  /api/v1/releases/{service}/{version}/readiness           → the newest verdict
 *   GET  /api/v1/releases/{service}/{version}                     → release + evidence + readiness
 * Sizes and names are judged by core/readiness/evidence-input.ts so each refusal has its
 * own code; the schema only shapes the body.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server-context.js';
import { presentRelease } from '../releases/release-routes.js';
import { callerOf } from '../shared/caller.js';
import { presentEvidence, presentReadiness } from './readiness-presenter.js';
import { evaluateReadiness, lastReadiness, recordCallerEvidence, releaseWithEvidence } from './readiness-service.js';

const ReleaseParams = Type.Object({ service: Type.String(), version: Type.String() });
type ReleaseParams = Static<typeof ReleaseParams>;

const EvidenceBody = Type.Object(
  {
    check: Type.String({ maxLength: 128, description: 'quality, performance, security, cost, rollout, rollback, ops, replay, or x-<name>' }),
    passed: Type.Boolean(),
    summary: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'at most 2000 characters' })),
    url: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'http(s), at most 2048 characters' })),
    details: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'any JSON object, at most 64 KiB' })),
    source: Type.Optional(Type.String({ maxLength: 128, description: 'who wrote it (default ci); "ferry" is reserved for Ferry itself' })),
  },
  { additionalProperties: false },
);

export function registerReadinessRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const schema = { params: ReleaseParams, tags: ['readiness'] };

  app.post('/api/v1/releases/:service/:version/evidence', { config: { access: 'deploy' }, schema: { ...schema, body: EvidenceBody } }, async (request, reply) => {
    const { service, version } = request.params as ReleaseParams;
    const record = await recordCallerEvidence(ctx, service, version, request.body as Static<typeof EvidenceBody>, callerOf(request));
    return reply.status(201).send(presentEvidence(record));
  });

  app.post('/api/v1/releases/:service/:version/readiness/evaluate', { config: { access: 'deploy' }, schema }, async (request) => {
    const { service, version } = request.params as ReleaseParams;
    return presentReadiness(await evaluateReadiness(ctx, service, version, callerOf(request)));
  });

  app.get('/api/v1/releases/:service/:version/readiness', { config: { access: 'read' }, schema }, async (request) => {
    const { service, version } = request.params as ReleaseParams;
    return presentReadiness(await lastReadiness(ctx, service, version));
  });

  app.get('/api/v1/releases/:service/:version', { config: { access: 'read' }, schema: { ...schema, tags: ['releases'] } }, async (request) => {
    const { service, version } = request.params as ReleaseParams;
    const view = await releaseWithEvidence(ctx, service, version);
    return { ...presentRelease(view.release), evidence: view.evidence.map(presentEvidence), readiness: view.readiness === null ? null : presentReadiness(view.readiness) };
  });
}
