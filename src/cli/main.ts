/**
 * The `ferry` command line (CONTRACT §1): program wiring and the mapping of every way a
 * command can end to an exit code. Commands live in ./commands, one file per group.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { writeNote } from './cli-output.js';
import { registerAgentCommand } from './commands/agent-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerDeployCommands } from './commands/deploy-command.js';
import { registerDeploymentControlCommands } from './commands/deployment-control-command.js';
import { registerPackageCommand } from './commands/package-command.js';
import { registerReadCommands } from './commands/read-commands.js';
import { registerReleaseCommands } from './commands/release-command.js';
import { registerReleaseInstanceCommand } from './commands/release-instance-command.js';
import { registerRestartCommand } from './commands/restart-command.js';
import { registerRollbackCommand } from './commands/rollback-command.js';
import { registerServerCommand } from './commands/server-command.js';
import { registerServiceCommands } from './commands/service-command.js';
import { registerTokenCommands } from './commands/token-command.js';
import { registerUnpinCommand } from './commands/unpin-command.js';
import { CliFailure, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/** Commands that keep running after their action returns, until a signal stops them. */
const LONG_RUNNING = new Set(['server', 'agent']);

export function buildProgram(version: string): Command {
  const program = new Command('ferry')
    .description('Ferry: immutable releases, verified rollouts and one-command rollbacks for a fleet of service instances')
    .version(version, '-V, --version', 'print the ferry version')
    // Program options only before the command name, so `ferry package --version 2.0` means the package's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServerCommand(program);
  registerAgentCommand(program);
  registerPackageCommand(program);
  registerReleaseCommands(program);
  registerServiceCommands(program);
  registerDeployCommands(program);
  registerDeploymentControlCommands(program);
  registerRestartCommand(program);
  registerRollbackCommand(program);
  registerReadCommands(program);
  registerReleaseInstanceCommand(program);
  registerUnpinCommand(program);
  registerTokenCommands(program);
  registerDemoCommand(program);
  return program;
}

/**
 * Runs the command line. Resolves to the exit code, or to null when a long-running
 * command (`server`, `agent`) started and the process must stay up until a signal.
 */
export async function runCli(argv: string[] = process.argv): Promise<number | null> {
  const program = buildProgram(await packageVersion());
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
