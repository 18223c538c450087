/** Releases: immutable versions (seed 000 R1, CONTRACT §2 Releases). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Release } from '../../../core/types.js';
import { iso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import { registerRelease } from './release-service.js';
import { requireService } from '../services/service-lookup.js';
import { checkedName } from '../../../core/names.js';
import { callerOf } from '../shared/caller.js';

export const ReleaseBody = Type.Object({
  service: Type.String(),
  version: Type.String(),
  package_url: Type.String(),
  sha256: Type.String(),
  git_sha: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  build_time: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
});

export function presentRelease(release: Release) {
  return {
    service: release.service,
    version: release.version,
    package_url: release.package_url,
    sha256: release.sha256,
    git_sha: release.git_sha,
    build_time: release.build_time,
    registered_at: iso(release.registered_at),
  };
}

export function registerReleaseRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/releases', { config: { access: 'admin' }, schema: { body: ReleaseBody, tags: ['releases'] } }, async (request, reply) => {
    const body = request.body as Static<typeof ReleaseBody>;
    const result = await registerRelease(ctx, body, callerOf(request));
    return reply.status(result.created ? 201 : 200).send(presentRelease(result.release));
  });

  app.get('/api/v1/services/:service/releases', { config: { access: 'read' }, schema: { tags: ['releases'] } }, async (request) => {
    const service = checkedName((request.params as { service: string }).service, 'service');
    const releases = await ctx.store.listReleases(service);
    if (releases.length === 0) await requireService(ctx.store, service);
    return { service, releases: releases.map(presentRelease) };
  });
}
