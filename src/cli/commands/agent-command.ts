/**
 * `ferry agent`: resolve flags and env into `AgentOptions` and run the node agent in
 * this process. On SIGTERM/SIGINT the agent's loops stop; the instances it supervises
 * keep running by design and are adopted again on the next start (DESIGN, On-host layout).
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { AgentOptions } from '../../agent/agent-options.js';
import { readInstallLimits } from '../../agent/install-limits.js';
import { readTimers } from '../../config/timers.js';
import { checkHostId } from '../../core/names.js';
import { ApiClient } from '../api-client.js';
import { resolveAgentToken } from '../agent-token.js';
import { writeLine, writeNote } from '../cli-output.js';
import { DEFAULT_SERVER, LOCAL_ADMIN_TOKEN_FILE } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { logLevel } from '../option-values.js';
import { readTimersOrFail, startFailure, stopOnSignals } from './process-lifecycle.js';

interface AgentFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  caFile?: string;
  hostId?: string;
  advertiseAddress: string;
  root: string;
  logLevel: string;
}

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description("run the node agent for this host: installs releases and supervises the host's instances")
    .addOption(new Option('--server <url>', 'ferry server URL').env('FERRY_SERVER').default(DEFAULT_SERVER))
    .option('--token <token>', 'agent token; visible in the process list, prefer --token-file')
    .addOption(new Option('--token-file <file>', 'file holding the agent token, mode 600 (else FERRY_AGENT_TOKEN, else FERRY_TOKEN, else ./.ferry/admin.token)').env('FERRY_AGENT_TOKEN_FILE'))
    .addOption(new Option('--ca-file <file>', 'PEM CA certificates to verify an https server and package servers with (default: the system roots)').env('FERRY_CA_FILE'))
    .addOption(new Option('--host-id <name>', 'this host\'s id (default: the hostname)').env('FERRY_HOST_ID'))
    .addOption(new Option('--advertise-address <addr>', "where clients reach this host's instances").env('FERRY_ADVERTISE_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--root <dir>', 'directory for releases, instance links and logs').env('FERRY_AGENT_ROOT').default('./.ferry/agent'))
    .addOption(new Option('--log-level <level>', 'pino log level of the JSON lines on stdout').env('FERRY_LOG_LEVEL').default('info').argParser(logLevel))
    .action(async (flags: AgentFlags) => {
      await awaitLocalAdminToken(flags, process.env);
      const options = agentOptions(flags, process.env);
      // Loaded here, not at the top: other commands start without the agent's dependencies.
      const { startAgent } = await import('../../agent/start-agent.js');
      const agent = await startAgent(options).catch((error: unknown) => {
        throw startFailure('agent', error);
      });
      writeLine(`ferry agent ${options.hostId} working for ${options.serverUrl} (root ${options.root})`);
      stopOnSignals('agent', () => agent.stop());
    });
}

/** How long an agent started beside a fresh server waits for it to write its admin token. */
const LOCAL_TOKEN_WAIT_MS = 15_000;

/**
 * An agent started together with a first-time server (the README's walkthrough starts
 * both at once) may look for ./.ferry/admin.token before the server wrote it: with no
 * token given any other way, wait a little for that file instead of failing the race.
 */
async function awaitLocalAdminToken(flags: AgentFlags, env: NodeJS.ProcessEnv): Promise<void> {
  if (flags.token || flags.tokenFile || env.FERRY_AGENT_TOKEN_FILE || env.FERRY_AGENT_TOKEN || env.FERRY_TOKEN) return;
  const file = resolve(LOCAL_ADMIN_TOKEN_FILE);
  const deadline = Date.now() + LOCAL_TOKEN_WAIT_MS;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Token order (`resolveAgentToken`): --token, --token-file / FERRY_AGENT_TOKEN_FILE,
 * FERRY_AGENT_TOKEN, FERRY_TOKEN, then ./.ferry/admin.token for a single-machine setup
 * where the server generated the admin token in this directory (with no agent token
 * configured, agents use the admin token: CONTRACT §2).
 */
export function agentOptions(flags: AgentFlags, env: NodeJS.ProcessEnv): AgentOptions {
  const serverUrl = new ApiClient(flags.server, null).serverUrl;
  const token = resolveAgentToken({ flagToken: flags.token, flagTokenFile: flags.tokenFile, env, localTokenFile: resolve(LOCAL_ADMIN_TOKEN_FILE) });
  if (!token.ok) throw usageFailure(token.message);
  if (token.warning !== null) writeNote(token.warning);
  const limits = readInstallLimits(env);
  if (!limits.ok) throw usageFailure(`bad install limit in the environment: ${limits.message}`);
  const hostId = flags.hostId?.trim() || hostname();
  const hostCheck = checkHostId(hostId);
  if (!hostCheck.ok) throw usageFailure(`${hostCheck.message}; pass --host-id`);
  return {
    serverUrl,
    token: token.token,
    hostId,
    advertiseAddress: flags.advertiseAddress,
    root: resolve(flags.root),
    timers: readTimersOrFail(readTimers),
    logLevel: flags.logLevel,
    limits: limits.limits,
    ...(flags.caFile ? { caFile: resolve(flags.caFile) } : {}),
  };
}
