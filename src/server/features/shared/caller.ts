/**
 * Who asked for a change, as every feature records it in its audit events: the actor
 * (the token's name, refined by `x-ferry-actor`) and the request's correlation id. The
 * HTTP layer fills it from the request; features never see the request itself.
 */
export interface Caller {
  actor: string;
  correlationId: string;
}
