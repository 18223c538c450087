import type { Timers } from '../config/timers.js';
import type { ConnectionLimits } from './http/connection-limits.js';
import type { AlertConfig } from './features/alerts/alert-config.js';
import type { ReadinessConfig } from '../config/readiness-config.js';

/** How `ferry server` was asked to run (flags and env resolved by the CLI). */
export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string;
  /** When absent, one is created once in `<dataDir>/admin.token` (mode 0600) and reused. */
  adminToken?: string;
  /** When absent, agents authenticate with the admin token. */
  agentToken?: string;
  timers: Timers;
  /** PEM files; when set the server speaks HTTPS only (`--tls-cert`, `--tls-key`). */
  tls?: { certFile: string; keyFile: string };
  /** Receiving limits; defaults in src/server/http/connection-limits.ts. */
  limits?: ConnectionLimits;
  /** Alert rules and delivery; read from the environment when absent (features/alerts/alert-config.ts). */
  alerts?: AlertConfig;
  /** Server-wide readiness enforcement; read from P6_READINESS_REQUIRED when absent. */
  readiness?: ReadinessConfig;
  /** pino level; 'silent' in tests. */
  logLevel?: string;
}

export interface RunningServer {
  /** `http://HOST:PORT` (https with TLS) with the port actually bound. */
  url: string;
  adminToken: string;
  /** Set when the admin token was generated or read from the data dir, so the CLI can say where. */
  adminTokenFile: string | null;
  close(): Promise<void>;
}
