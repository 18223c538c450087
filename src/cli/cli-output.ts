/**
 * How the CLI writes to the terminal: results on stdout (JSON with --json, aligned
 * tables otherwise), diagnostics on stderr, so `ferry … --json | jq` always works.
 */

export function writeLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function writeNote(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): void {
  writeLine(formatTable(headers, rows));
}

/**
 * Left-aligned columns two spaces apart; null and undefined show as `-` so an empty cell
 * still reads as "nothing" rather than as a shifted column.
 *   formatTable(['ID','V'], [['a','1.0'],['bb',null]]) → "ID  V\na   1.0\nbb  -"
 */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
