import { stringify } from 'csv-stringify/sync';
import type { ArtifactKind, ArtifactRow, Cell, Column } from './artifact-kinds.js';

/**
 * A list as CSV, every column including the IDs the Slack list leaves out. Cells that start like a
 * spreadsheet formula are escaped: names come from PingOne, and PingOne names are typed by people.
 */
export function artifactCsv(kind: ArtifactKind, rows: readonly ArtifactRow[]): string {
  return stringify(
    rows.map((row) => kind.columns.map((column) => plainCell(column, row.cells[column.key]))),
    { header: true, columns: kind.columns.map((column) => column.title), escape_formulas: true },
  );
}

/** A cell as plain text (CSV, the console): labels for flags, withheld values said to be withheld. */
export function plainCell(column: Column, cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return column.empty ?? '';
  if (Array.isArray(cell)) return cell.join('; ');
  if (typeof cell === 'object') return `(${cell.withheld}, not shown)`;
  if (typeof cell === 'boolean') return column.labels ? column.labels[cell ? 0 : 1] : String(cell);
  return String(cell);
}
