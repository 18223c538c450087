import type { Timers } from '../config/timers.js';

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
  /** pino level; 'silent' in tests. */
  logLevel?: string;
}

export interface RunningServer {
  /** `http://HOST:PORT` with the port actually bound. */
  url: string;
  adminToken: string;
  /** Set when the admin token was generated or read from the data dir, so the CLI can say where. */
  adminTokenFile: string | null;
  close(): Promise<void>;
}
