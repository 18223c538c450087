/**
 * Server-wide readiness enforcement (CONTRACT §4): `P6_READINESS_REQUIRED=true` holds every
 * service's whole-service deployments and promotions to admission, as a service's own
 * `readiness.enforce: true` does for it. Read once at start; a value that is neither true
 * nor false refuses the start, since a typo here would silently switch a gate off.
 */

export interface ReadinessConfig {
  /** P6_READINESS_REQUIRED: enforce admission for every service. */
  requiredEverywhere: boolean;
}

export const READINESS_NOT_REQUIRED: ReadinessConfig = { requiredEverywhere: false };

export function readReadinessConfig(env: NodeJS.ProcessEnv = process.env): ReadinessConfig {
  const raw = (env.P6_READINESS_REQUIRED ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0' || raw === 'no') return { requiredEverywhere: false };
  if (raw === 'true' || raw === '1' || raw === 'yes') return { requiredEverywhere: true };
  throw new Error(`P6_READINESS_REQUIRED must be true or false, got "${raw.slice(0, 40)}"`);
}
