/**
 * Where `--wait` output goes. On a terminal, plain lines scroll above one progress bar
 * that is redrawn in place; anywhere else (a pipe, a CI log) only the plain lines are
 * written, with no escape codes, so logs stay greppable. What to write is decided by
 * the pure `frameText`; the class only remembers which bar is on screen.
 */

/** The part of a stream the display needs; process.stdout and process.stderr fit. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Carriage return, then erase the whole line: the cursor is back where the bar began. */
export const CLEAR_LINE = '\r\x1b[2K';

/**
 * The text that takes the screen from showing `shownBar` (null: no bar, cursor at the
 * start of a fresh line) to showing `lines` above `nextBar`. The bar never ends in a
 * newline, so the next frame can erase it.
 *   (null, ['a'], 'B')   → "a\nB"
 *   ('B', ['c'], 'B')    → "\r\x1b[2Kc\nB"
 *   ('B', [], 'B')       → ""            (nothing changed, nothing written)
 *   ('B', [], null)      → "\r\x1b[2K"   (bar gone, cursor at the start of its line)
 */
export function frameText(shownBar: string | null, lines: string[], nextBar: string | null, columns?: number): string {
  const bar = nextBar === null ? null : fitWidth(nextBar, columns);
  if (lines.length === 0 && bar === shownBar) return '';
  const clear = shownBar === null ? '' : CLEAR_LINE;
  return `${clear}${lines.map((line) => `${line}\n`).join('')}${bar ?? ''}`;
}

/** A bar wider than the terminal would wrap, and erasing one line would leave half of it. */
function fitWidth(bar: string, columns: number | undefined): string {
  return columns !== undefined && columns > 1 && bar.length >= columns ? bar.slice(0, columns - 1) : bar;
}

export class ProgressDisplay {
  private shownBar: string | null = null;

  constructor(private readonly stream: ProgressStream) {}

  /** True when a bar is drawn: only on a terminal. */
  get live(): boolean {
    return this.stream.isTTY === true;
  }

  /** Print `lines`, then show `bar` (ignored when not on a terminal). */
  update(lines: string[], bar: string | null): void {
    const nextBar = this.live ? bar : null;
    const text = frameText(this.shownBar, lines, nextBar, this.stream.columns);
    this.shownBar = nextBar === null ? null : fitWidth(nextBar, this.stream.columns);
    if (text !== '') this.stream.write(text);
  }

  /** One plain line, keeping the bar below it. */
  line(text: string): void {
    this.update([text], this.shownBar);
  }

  /** Erase the bar so what follows (a result, an error) starts on a clean line. */
  close(): void {
    this.update([], null);
  }
}

/** With --json, stdout is for the final JSON, so progress goes to stderr (cli-output.ts). */
export function progressDisplayFor(json: boolean): ProgressDisplay {
  return new ProgressDisplay(json ? process.stderr : process.stdout);
}
