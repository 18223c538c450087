import type { Timers } from '../config/timers.js';
import type { InstallLimits } from './install-limits.js';

/** How `ferry agent` was asked to run (flags and env resolved by the CLI). */
export interface AgentOptions {
  serverUrl: string;
  token: string;
  hostId: string;
  /** Where clients reach this host's instances (default 127.0.0.1). */
  advertiseAddress: string;
  /** On-host root (DESIGN.md, On-host layout). */
  root: string;
  timers: Timers;
  logLevel?: string;
  /** Bounds on downloads and unpacking (FERRY_MAX_PACKAGE_BYTES and friends); the defaults when absent. */
  limits?: InstallLimits;
  /** PEM CA file that verifies an https server and https package servers (`--ca-file`); else the system roots. */
  caFile?: string;
  /** The agent's clock (epoch ms) for crash backoff, start stamps and intervals; `Date.now` when absent. */
  now?: () => number;
}

export interface RunningAgent {
  /** Stops the agent's loops; instance processes keep running (they are adopted on the next start). */
  stop(): Promise<void>;
}
