/**
 * Staging replay (CONTRACT §4): start a replay of a release, read one, list a release's.
 * Starting needs `deploy`; reading needs `read`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { callerOf } from '../shared/caller.js';
import { requireService } from '../services/service-lookup.js';
import { presentReplay } from './replay-presenter.js';
import { startReplay } from './start-replay.js';

const ReleaseParams = Type.Object({ service: Type.String(), version: Type.String() });
const ReplayParams = Type.Object({ id: Type.String({ maxLength: 128 }) });

export function registerReplayRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/releases/:service/:version/replay', { config: { access: 'deploy' }, schema: { params: ReleaseParams, tags: ['replays'] } }, async (request, reply) => {
    const { service, version } = releaseOf(request.params);
    const replay = await startReplay(ctx, service, version, callerOf(request));
    return reply.code(202).send(presentReplay(replay));
  });

  app.get('/api/v1/replays/:id', { config: { access: 'read' }, schema: { params: ReplayParams, tags: ['replays'] } }, async (request) => {
    const id = (request.params as Static<typeof ReplayParams>).id;
    const replay = await ctx.store.getReplay(id);
    if (replay === undefined) throw new NotFoundError('replay_not_found', `replay ${id} does not exist`, { replay_id: id });
    return presentReplay(replay);
  });

  app.get('/api/v1/releases/:service/:version/replays', { config: { access: 'read' }, schema: { params: ReleaseParams, tags: ['replays'] } }, async (request) => {
    const { service, version } = releaseOf(request.params);
    await requireService(ctx.store, service);
    const replays = await ctx.store.listReplays({ service, version, limit: 100 });
    return { service, version, replays: replays.map(presentReplay) };
  });
}

function releaseOf(params: unknown): { service: string; version: string } {
  const p = params as Static<typeof ReleaseParams>;
  return { service: checkedName(p.service, 'service'), version: checkedName(p.version, 'version') };
}
