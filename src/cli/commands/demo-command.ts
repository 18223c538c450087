/**
 * `ferry demo`: a real server, agent and instances driven through the release story
 * (src/demo). The demo prints its own narrative; this only passes on its exit code.
 */
import type { Command } from 'commander';
import { CliFailure } from '../exit-codes.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a local server, agent and instances through deploy, canary, failure and rollback')
    .action(async () => {
      const { runDemo } = await import('../../demo/run-demo.js');
      const code = await runDemo();
      // The demo has already said what went wrong; exit with its code and nothing more.
      if (code !== 0) throw new CliFailure('', code);
    });
}
