/** Plain-text tables for the terminal: the final summary of a run and the comparison table. */

/** A cell: numbers are printed with `digits` decimals, `undefined` as `-`. */
export type Cell = string | number | undefined;

/**
 * Formats rows under a header as aligned columns: text left-aligned, numbers right-aligned.
 *
 * @example
 * formatTable(['metric', 'value'], [['nll', 2.9]]);
 */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[], digits = 3): string {
  const text = (c: Cell): string => (c === undefined ? '-' : typeof c === 'number' ? (Number.isFinite(c) ? c.toFixed(digits) : String(c)) : c);
  const cells = [header.map(String), ...rows.map((r) => r.map(text))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] !== 'string' || /^[-+\d.e]+$/.test(r[j] as string)));
  const line = (r: readonly string[]): string =>
    r.map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
