/**
 * The `ferry` command line (CONTRACT §1): program wiring and the mapping of every way a
 * command can end to an exit code. Commands live in ./commands, one file per group.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { writeNote } from './cli-output.js';
import { CliFailure, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/** Commands that keep running after their action returns, until a signal stops them. */
const LONG_RUNNING = new Set(['server', 'agent']);

type Register = (program: Command) => void;

/**
 * Each definition module and the top-level commands it registers, in help order. A run
 * loads only the module of the command it names, so `ferry deploy …` never parses the
 * other commands' code, and `ferry --version` none of it; help, an unknown name and
 * anything else load them all. A module's heavy code (server, agent, packaging) is
 * imported by its action, not here. main.test.ts checks that `names` match what each
 * module registers.
 */
export const COMMAND_MODULES: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['server'], load: async () => (await import('./commands/server-command.js')).registerServerCommand },
  { names: ['agent'], load: async () => (await import('./commands/agent-command.js')).registerAgentCommand },
  { names: ['package'], load: async () => (await import('./commands/package-command.js')).registerPackageCommand },
  { names: ['release', 'releases'], load: async () => (await import('./commands/release-command.js')).registerReleaseCommands },
  { names: ['service', 'services'], load: async () => (await import('./commands/service-command.js')).registerServiceCommands },
  { names: ['deploy'], load: async () => (await import('./commands/deploy-command.js')).registerDeployCommands },
  {
    names: ['promote', 'pause', 'resume', 'abort'],
    load: async () => (await import('./commands/deployment-control-command.js')).registerDeploymentControlCommands,
  },
  { names: ['restart'], load: async () => (await import('./commands/restart-command.js')).registerRestartCommand },
  { names: ['rollback'], load: async () => (await import('./commands/rollback-command.js')).registerRollbackCommand },
  { names: ['status', 'versions', 'instances', 'audit', 'hosts'], load: async () => (await import('./commands/read-commands.js')).registerReadCommands },
  { names: ['deployments', 'rollbacks'], load: async () => (await import('./commands/operation-list-commands.js')).registerOperationListCommands },
  { names: ['channel'], load: async () => (await import('./commands/channel-command.js')).registerChannelCommands },
  { names: ['evidence'], load: async () => (await import('./commands/evidence-command.js')).registerEvidenceCommands },
  { names: ['readiness'], load: async () => (await import('./commands/readiness-command.js')).registerReadinessCommand },
  { names: ['replay'], load: async () => (await import('./commands/replay-command.js')).registerReplayCommand },
  { names: ['alerts'], load: async () => (await import('./commands/alerts-command.js')).registerAlertsCommand },
  { names: ['preflight'], load: async () => (await import('./commands/preflight-command.js')).registerPreflightCommand },
  { names: ['which'], load: async () => (await import('./commands/which.js')).registerWhichCommand },
  { names: ['logs'], load: async () => (await import('./commands/logs-command.js')).registerLogsCommand },
  { names: ['release-instance'], load: async () => (await import('./commands/release-instance-command.js')).registerReleaseInstanceCommand },
  { names: ['unpin'], load: async () => (await import('./commands/unpin-command.js')).registerUnpinCommand },
  { names: ['token'], load: async () => (await import('./commands/token-command.js')).registerTokenCommands },
  { names: ['freeze'], load: async () => (await import('./commands/freeze-command.js')).registerFreezeCommands },
  { names: ['demo'], load: async () => (await import('./commands/demo-command.js')).registerDemoCommand },
];

/**
 * The `ferry` program. `argv` (as process.argv) lets it define only what that run needs:
 * the one module of the command named, nothing for a bare `--version`; without it, every
 * command (for help and the generated docs/cli.md).
 */
export async function buildProgram(version: string, argv?: readonly string[]): Promise<Command> {
  const program = new Command('ferry')
    .description('Ferry: immutable releases, verified rollouts and one-command rollbacks for a fleet of service instances')
    .version(version, '-V, --version', 'print the ferry version')
    // Program options only before the command name, so `ferry package --version 2.0` means the package's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of await Promise.all(modulesFor(argv).map((m) => m.load()))) register(program);
  return program;
}

function modulesFor(argv: readonly string[] | undefined): ReadonlyArray<(typeof COMMAND_MODULES)[number]> {
  if (argv === undefined) return COMMAND_MODULES;
  const first = argv[2];
  if (argv.length === 3 && (first === '--version' || first === '-V')) return [];
  const named = COMMAND_MODULES.find((m) => first !== undefined && m.names.includes(first));
  return named !== undefined ? [named] : COMMAND_MODULES;
}

/**
 * Runs the command line. Resolves to the exit code, or to null when a long-running
 * command (`server`, `agent`) started and the process must stay up until a signal.
 */
export async function runCli(argv: string[] = process.argv): Promise<number | null> {
  const program = await buildProgram(await packageVersion(), argv);
  let invoked = '';
  program.hook('preAction', (_program, actionCommand) => {
    invoked = actionCommand.name();
  });
  try {
    await program.parseAsync(argv);
    return LONG_RUNNING.has(invoked) ? null : EXIT_OK;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CliFailure) {
    if (error.message !== '') writeNote(`ferry: ${error.message}`);
    return error.exitCode;
  }
  // Commander has already printed its usage message; help and --version end in 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  // Anything else is a bug in Ferry: keep the stack so it can be reported.
  writeNote(`ferry: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_FAILED;
}

/** The version in Ferry's package.json (two levels above src/cli and dist/cli alike). */
async function packageVersion(): Promise<string> {
  try {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Lets `node dist/cli/main.js …` work as well as bin/ferry. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await runCli();
  if (code !== null) process.exit(code);
}
