/**
 * The bodies of the channel routes (CONTRACT §4 Channels), checked by fastify before any
 * feature code runs. `reason` is optional in the schema and required in code, so that a
 * missing one answers the contract's own 400 `reason_required` rather than a schema error.
 */
import { Type, type Static } from '@sinclair/typebox';

const ChannelName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' });
const Version = Type.String({ minLength: 1, maxLength: 128 });
const Reason = Type.String({ maxLength: 1000 });
/** Passes a freeze window; its reason is audited as `freeze_overridden`. */
const OverrideFreeze = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });

export const ChannelParams = Type.Object({ service: Type.String(), channel: ChannelName });

export const ChannelDeployBody = Type.Object(
  { version: Version, reason: Type.Optional(Reason), override_freeze: Type.Optional(OverrideFreeze) },
  { additionalProperties: false },
);

export const PromotionBody = Type.Object(
  { from: ChannelName, to: ChannelName, reason: Type.Optional(Reason), override_freeze: Type.Optional(OverrideFreeze) },
  { additionalProperties: false },
);

export const ChannelRollbackBody = Type.Object({ to_version: Version, reason: Type.Optional(Reason) }, { additionalProperties: false });

export type ChannelDeployRequest = Static<typeof ChannelDeployBody>;
export type PromotionRequest = Static<typeof PromotionBody>;
export type ChannelRollbackRequest = Static<typeof ChannelRollbackBody>;
