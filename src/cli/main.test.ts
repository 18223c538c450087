/** The program defines only what a run needs, and the table that decides it matches the modules. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES } from './main.js';

const names = (program: Command) => program.commands.map((c) => c.name());

describe('COMMAND_MODULES', () => {
  it.each(COMMAND_MODULES.map((m) => [m.names.join(', '), m] as const))('%s: the module registers exactly these commands', async (_names, module) => {
    const program = new Command('ferry');
    (await module.load())(program);
    expect(names(program)).toEqual(module.names);
  });
});

describe('buildProgram', () => {
  it('defines every command, in table order, for help and the docs', async () => {
    expect(names(await buildProgram('1.0.0'))).toEqual(COMMAND_MODULES.flatMap((m) => m.names));
  });

  it.each([
    [['--version'], []],
    [['-V'], []],
    [['status', 'dep-1'], ['status', 'versions', 'instances', 'audit', 'hosts']],
    [['pause', 'dep-1'], ['promote', 'pause', 'resume', 'abort']],
    [['release', 'add', 'hello', '1.0.0'], ['release', 'releases']],
  ])('for ferry %j defines %j', async (args, expected) => {
    expect(names(await buildProgram('1.0.0', ['node', 'ferry', ...args]))).toEqual(expected);
  });

  it.each([[[]], [['--help']], [['help', 'deploy']], [['deplyo']]])('for ferry %j defines everything', async (args) => {
    expect(names(await buildProgram('1.0.0', ['node', 'ferry', ...args]))).toHaveLength(COMMAND_MODULES.flatMap((m) => m.names).length);
  });
});
