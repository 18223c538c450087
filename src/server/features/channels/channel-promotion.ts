/**
 * POST /services/{service}/channels/promote: a channel's version becomes stable through a
 * whole-service rolling deployment (the service's strategy when it is rolling, else the
 * default rolling one: never another paused canary; core/channels/channel-strategy.ts). Refused
 * while a freeze window covers the service (422 `frozen`, unless overridden), and while any
 * promotion rule fails (422 `promotion_refused` listing every reason: core/channels).
 */
import { STABLE } from '../../../core/channels/channel-instances.js';
import { promotionStrategy } from '../../../core/channels/channel-strategy.js';
import { judgePromotion } from '../../../core/channels/promotion-rules.js';
import type { ChannelView } from '../../../core/channels/channel-view.js';
import { InputError, UnprocessableError } from '../../../core/errors.js';
import { iso } from '../../../core/iso-time.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { Operation, Service } from '../../../core/types.js';
import { recordEvent } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { createDeployment } from '../deployments/create-deployment.js';
import { refuseIfFrozen } from '../freezes/freeze-gate.js';
import { admissionShortfall, readinessEnforced } from '../readiness/readiness-gate.js';
import { requireService } from '../services/service-lookup.js';
import type { Caller } from '../shared/caller.js';
import type { PromotionRequest } from './channel-body.js';
import { channelEventEnvelope } from './channel-history-writer.js';
import { loadChannels, requireChannel } from './channel-lookup.js';
import { requireReason } from './channel-reason.js';

/** Enough alerts to see every P0/P1 of a soak; the list is newest first. */
const ALERT_WINDOW = 500;

export async function promoteChannel(ctx: ServerContext, serviceName: string, body: PromotionRequest, caller: Caller): Promise<Operation> {
  const reason = requireReason(body.reason, 'a promotion');
  if (body.to !== STABLE) throw new InputError('promotion_target_unsupported', `a channel is promoted to stable only, not to ${body.to}`, { to: body.to });
  if (body.from === STABLE) throw new InputError('promotion_source_invalid', 'stable cannot be promoted to itself; promote canary or another channel', { from: body.from });
  const service = await requireService(ctx.store, serviceName);
  const channels = await loadChannels(ctx, ctx.store, service);
  const from = requireChannel(channels, serviceName, body.from);
  const to = requireChannel(channels, serviceName, STABLE);
  const now = ctx.now();
  if (from.version !== null && body.override_freeze === undefined) await refuseWhileFrozen(ctx, service, from.version, caller, now);
  await refuseUnlessRulesHold(ctx, service, from, to, now);
  const version = from.version!;
  const request = { service: serviceName, version, strategy: promotionStrategy(service.strategy), ...(body.override_freeze ? { override_freeze: body.override_freeze } : {}) };
  return createDeployment(ctx, request, caller, ['deploy_started'], {
    action: 'promote',
    details: { channel: STABLE, promoted_from: from.name, reason },
    // createDeployment writes stable's history row (with this reason) for every whole-service deployment.
    stableReason: reason,
    onCreated: async (tx, operation, at) => {
      const details = { from: from.name, to: STABLE, version, reason, deploy_id: operation.id, from_version_soaked_since: iso(from.soak_started_at) };
      await recordEvent(tx, eventOf('channel_promoted', channelEventEnvelope(operation, caller, at), details));
    },
  });
}

/**
 * 422 `frozen` before the rules, so a frozen service says so first. Without an override the
 * gate writes nothing; with one, createDeployment's own gate passes it and audits it once.
 */
async function refuseWhileFrozen(ctx: ServerContext, service: Service, version: string, caller: Caller, now: number): Promise<void> {
  await refuseIfFrozen(ctx.store, { service, version, wholeService: true, action: 'promote', overrideFreeze: undefined, caller, now });
}

async function refuseUnlessRulesHold(ctx: ServerContext, service: Service, from: ChannelView, to: ChannelView, now: number): Promise<void> {
  const enforced = readinessEnforced(ctx, service);
  const [alerts, shortfall] = await Promise.all([
    ctx.store.listAlerts({ service: service.name, limit: ALERT_WINDOW }),
    enforced && from.version !== null ? admissionShortfall(ctx, ctx.store, service, from.version, now) : Promise.resolve(null),
  ]);
  const minSoakMinutes = service.channels[from.name]?.min_soak_minutes ?? ctx.canary.durationMin;
  const verdict = judgePromotion({ from, to, alerts, shortfall, enforced, minSoakMinutes, now });
  if (verdict.ok) return;
  const summary = verdict.reasons.map((r) => r.message).join('; ');
  throw new UnprocessableError('promotion_refused', `cannot promote ${from.name} of ${service.name} to stable: ${summary}`, {
    service: service.name,
    from: from.name,
    to: to.name,
    version: from.version,
    reasons: verdict.reasons,
  });
}
