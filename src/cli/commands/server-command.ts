/**
 * `ferry server`: resolve flags and env into `ServerOptions`, start the control plane
 * in this process, and close it cleanly on SIGTERM/SIGINT so a supervisor's stop
 * (or Ctrl-C) never interrupts a store write.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readTimers } from '../../config/timers.js';
import type { ServerOptions } from '../../server/server-options.js';
import { writeLine, writeNote } from '../cli-output.js';
import { usageFailure } from '../exit-codes.js';
import { logLevel, portNumber } from '../option-values.js';
import { readTimersOrFail, startFailure, stopOnSignals } from './process-lifecycle.js';

interface ServerFlags {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  adminToken?: string;
  agentToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel: string;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the control plane: HTTP API, dashboard and reconcilers')
    .addOption(new Option('--host <host>', 'address to listen on').env('FERRY_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 = pick a free port)').env('FERRY_PORT').default(7400).argParser(portNumber))
    .addOption(new Option('--data-dir <dir>', 'directory for the SQLite file and the generated admin token').env('FERRY_DATA_DIR').default('./.ferry'))
    .addOption(new Option('--database-url <url>', 'postgres://… selects PostgreSQL').env('FERRY_DATABASE_URL'))
    .addOption(new Option('--admin-token <token>', 'admin API token (else generated once into <data-dir>/admin.token)').env('FERRY_ADMIN_TOKEN'))
    .addOption(new Option('--agent-token <token>', 'token agents use (else agents use the admin token)').env('FERRY_AGENT_TOKEN'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS only (with --tls-key)').env('FERRY_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'PEM private key for --tls-cert').env('FERRY_TLS_KEY'))
    .addOption(new Option('--log-level <level>', 'pino log level of the JSON lines on stdout').env('FERRY_LOG_LEVEL').default('info').argParser(logLevel))
    .action(async (flags: ServerFlags) => {
      if (nonEmpty(flags.tlsCert) !== nonEmpty(flags.tlsKey)) throw usageFailure('--tls-cert and --tls-key go together: give both or neither');
      const options: ServerOptions = {
        host: flags.host,
        port: flags.port,
        dataDir: resolve(flags.dataDir),
        timers: readTimersOrFail(readTimers),
        logLevel: flags.logLevel,
        ...(nonEmpty(flags.databaseUrl) ? { databaseUrl: flags.databaseUrl } : {}),
        ...(nonEmpty(flags.adminToken) ? { adminToken: flags.adminToken } : {}),
        ...(nonEmpty(flags.agentToken) ? { agentToken: flags.agentToken } : {}),
        ...(nonEmpty(flags.tlsCert) && nonEmpty(flags.tlsKey) ? { tls: { certFile: resolve(flags.tlsCert), keyFile: resolve(flags.tlsKey) } } : {}),
      };
      // Loaded here, not at the top: every other command starts without fastify and the store drivers.
      const { startServer } = await import('../../server/start-server.js');
      const server = await startServer(options).catch((error: unknown) => {
        throw startFailure('server', error);
      });
      writeLine(`ferry server listening on ${server.url}`);
      if (server.adminTokenFile !== null) {
        writeNote(`ferry: admin token in ${server.adminTokenFile} (clients started in this directory read ./.ferry/admin.token; elsewhere set FERRY_TOKEN)`);
      }
      stopOnSignals('server', () => server.close());
    });
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
