/**
 * The release-gate parts of a service's declaration (CONTRACT §4): readiness, staging
 * replay and channels. Types only; the rules that use them live in core/readiness,
 * core/replay and core/channels.
 */

/**
 * Which checks admit a release of the service (CONTRACT §4). `required` defaults to all
 * eight built-in checks; a record older than `max_age_s` counts as missing; `enforce`
 * refuses whole-service deployments and promotions of releases not admitted.
 */
export interface ReadinessSpec {
  required?: string[];
  max_age_s?: number;
  enforce?: boolean;
}

/** One recorded request of a staging replay. */
export interface ReplayRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Staging replay (CONTRACT §4): `requests` is a JSONL file the server reads, or the
 * requests inline; `compare` lists `status`, `headers:<name>`, `body` (default status and
 * body); `ignore` lists JSON pointers into the body that may differ.
 */
export interface ReplaySpec {
  requests: string | ReplayRequest[];
  compare?: string[];
  ignore?: string[];
  max_diff_ratio?: number;
  /** The host whose agent runs the ephemeral staging instance; else the service's first host. */
  host?: string;
}

/** How a channel's instances are chosen, and how long a version soaks on it before promotion. */
export type ChannelSpec = ({ instances: number } | { percent: number }) & { min_soak_minutes?: number };
