/** `GET /api/v1/alerts?state=&service=&severity=&limit=` (CONTRACT §3 Alerts), newest first. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_SEVERITIES, ALERT_STATES } from '../../../core/alerts/alert-types.js';
import { presentAlert } from '../../../core/alerts/delivery-payloads.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';

const AlertQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(ALERT_STATES.map((s) => Type.Literal(s)))),
    service: Type.Optional(Type.String()),
    severity: Type.Optional(Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  },
  { additionalProperties: false },
);

export function registerAlertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/alerts', { config: { access: 'read' }, schema: { querystring: AlertQuery, tags: ['alerts'] } }, async (request) => {
    const query = request.query as Static<typeof AlertQuery>;
    const alerts = await ctx.store.listAlerts({
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(query.service !== undefined ? { service: checkedName(query.service, 'service') } : {}),
      ...(query.severity !== undefined ? { severity: query.severity } : {}),
      limit: query.limit !== undefined ? Math.max(1, Number(query.limit)) : 500,
    });
    return { alerts: alerts.map(presentAlert) };
  });
}
