/**
 * The command an instance process runs, built as data: argv, working directory and
 * environment. Pure (Kamal's commands model): nothing here spawns or reads the disk, so
 * tests compare arrays, and every process driver (detached today; systemd or Kubernetes
 * later) starts the same program with the same environment.
 */
import { currentLink } from './host-layout.js';
import type { LaunchSpec } from './drivers/process-driver.js';

/** A program to run: `argv[0]` is looked up on `env.PATH`. */
export interface LaunchCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * The instance's start command for release `version`: `sh -c <shellScript(start)>` run in
 * the instance's `current` link (so it follows the release the link names), with
 * `instanceEnv`.
 *
 *   start "node server.js", dir /r/hello/instances/i1
 *     -> argv ["sh", "-c", "exec node server.js"], cwd "/r/hello/instances/i1/current"
 */
export function buildLaunchCommand(spec: LaunchSpec, version: string, base: NodeJS.ProcessEnv = process.env): LaunchCommand {
  return {
    argv: ['sh', '-c', shellScript(spec.start)],
    cwd: currentLink(spec.instanceDir),
    env: instanceEnv(spec, version, base),
  };
}

/**
 * The environment of an instance process. The service's env comes after PATH and HOME
 * but before the variables Ferry owns (and `TRACEPARENT` when the goal has a trace), so a
 * service cannot lie about its identity.
 */
export function instanceEnv(spec: LaunchSpec, version: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited: Record<string, string> = {};
  if (base.PATH !== undefined) inherited.PATH = base.PATH;
  if (base.HOME !== undefined) inherited.HOME = base.HOME;
  return {
    ...inherited,
    ...spec.env,
    PORT: String(spec.port),
    FERRY_SERVICE: spec.service,
    FERRY_VERSION: version,
    FERRY_INSTANCE_ID: spec.instanceId,
    // OpenTelemetry's environment carrier: an instrumented service joins the rollout's trace.
    ...(spec.traceparent !== undefined ? { TRACEPARENT: spec.traceparent } : {}),
  };
}

/** Characters with a meaning to the shell beyond splitting words; a command without any is one plain program call. */
const SHELL_SYNTAX = /[^A-Za-z0-9_ ./:@%+,=-]/;
/** First words that name no program `exec` could run: reserved words and builtins. */
const SHELL_ONLY = new Set(['.', ':', 'alias', 'break', 'cd', 'continue', 'eval', 'exec', 'exit', 'export', 'read', 'readonly', 'return', 'set', 'shift', 'source', 'times', 'trap', 'ulimit', 'umask', 'unset', 'wait', 'if', 'for', 'while', 'until', 'case', 'function']);

/**
 * The script given to `sh -c`. A plain program call (`node server.js`) is prefixed with
 * `exec`, so the program replaces the shell instead of running as its child: the instance
 * is then its own process group's leader, receives signals directly, and its end is seen
 * at once (dash, Debian's sh, forks even for a single command). Anything else, including
 * `VAR=x cmd`, which `exec` would not accept, runs as written.
 *
 *   "node server.js"          -> "exec node server.js"
 *   "./bin/app --port=8080"   -> "exec ./bin/app --port=8080"
 *   "DEBUG=1 node server.js"  -> unchanged
 *   "npm ci && node s.js"     -> unchanged
 *   "cd app"                  -> unchanged (a builtin)
 */
export function shellScript(start: string): string {
  const command = start.trim();
  const first = command.split(' ')[0] ?? '';
  if (first === '' || SHELL_SYNTAX.test(command) || first.includes('=') || SHELL_ONLY.has(first)) return start;
  return `exec ${command}`;
}
