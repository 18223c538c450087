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
import { startAgent } from '../../agent/start-agent.js';
import { readTimers } from '../../config/timers.js';
import { checkHostId } from '../../core/names.js';
import { ApiClient } from '../api-client.js';
import { writeLine } from '../cli-output.js';
import { DEFAULT_SERVER, LOCAL_ADMIN_TOKEN_FILE, firstToken } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { readTimersOrFail, startFailure, stopOnSignals } from './process-lifecycle.js';

interface AgentFlags {
  server: string;
  token?: string;
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
    .option('--token <token>', 'agent token (else FERRY_AGENT_TOKEN, else FERRY_TOKEN, else ./.ferry/admin.token)')
    .addOption(new Option('--host-id <name>', 'this host\'s id (default: the hostname)').env('FERRY_HOST_ID'))
    .addOption(new Option('--advertise-address <addr>', "where clients reach this host's instances").env('FERRY_ADVERTISE_ADDRESS').default('127.0.0.1'))
    .addOption(new Option('--root <dir>', 'directory for releases, instance links and logs').env('FERRY_AGENT_ROOT').default('./.ferry/agent'))
    .addOption(new Option('--log-level <level>', 'pino log level').env('FERRY_LOG_LEVEL').default('info'))
    .action(async (flags: AgentFlags) => {
      await awaitLocalAdminToken(flags, process.env);
      const options = agentOptions(flags, process.env);
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
  if (flags.token || env.FERRY_AGENT_TOKEN || env.FERRY_TOKEN) return;
  const file = resolve(LOCAL_ADMIN_TOKEN_FILE);
  const deadline = Date.now() + LOCAL_TOKEN_WAIT_MS;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Token order: --token, FERRY_AGENT_TOKEN, FERRY_TOKEN, then ./.ferry/admin.token for a
 * single-machine setup where the server generated the admin token in this directory
 * (with no agent token configured, agents use the admin token: CONTRACT §2).
 */
export function agentOptions(flags: AgentFlags, env: NodeJS.ProcessEnv): AgentOptions {
  const serverUrl = new ApiClient(flags.server, null).serverUrl;
  const token = firstToken([flags.token, env.FERRY_AGENT_TOKEN, env.FERRY_TOKEN], resolve(LOCAL_ADMIN_TOKEN_FILE));
  if (token === null) {
    throw usageFailure('no agent token: pass --token, or set FERRY_AGENT_TOKEN or FERRY_TOKEN (or run where ./.ferry/admin.token exists)');
  }
  const hostId = flags.hostId?.trim() || hostname();
  const hostCheck = checkHostId(hostId);
  if (!hostCheck.ok) throw usageFailure(`${hostCheck.message}; pass --host-id`);
  return {
    serverUrl,
    token,
    hostId,
    advertiseAddress: flags.advertiseAddress,
    root: resolve(flags.root),
    timers: readTimersOrFail(readTimers),
    logLevel: flags.logLevel,
  };
}
