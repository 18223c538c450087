/**
 * Asking a person before a change: only when stdin is a terminal, the question on stderr
 * so stdout stays the command's result. Anything but y or yes is a no.
 */
export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

export async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  process.stderr.write(`${question} `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  return /^(y|yes)$/i.test(answer.trim());
}
