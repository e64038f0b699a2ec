/**
 * Column tables for listing commands (`wf runs`, `wf inspect`): columns padded by display width,
 * numbers right-aligned so their digits line up, and the whole table made to fit the terminal by
 * cutting the columns that allow it (with `…`) rather than letting lines wrap. Cells often hold
 * text from scripts (labels, workflow names), so each is reduced to one printable line.
 */
import { singleLine } from './terminal-text.js';
import { displayWidth, padToWidth, truncateToWidth } from './text-width.js';

export interface Column<Row> {
  header: string;
  cell(row: Row): string;
  /** `right` for numbers. Default `left`. */
  align?: 'left' | 'right';
  /** The narrowest this column may be cut to when the table is too wide; a column without it is never cut. */
  minWidth?: number;
}

export interface TableLayout<Row> {
  /** Width of each column, in columns of the terminal. */
  widths: number[];
  /** Width of a whole line. */
  width: number;
  header: string;
  line(row: Row): string;
}

/** Space between two columns. */
export const COLUMN_GAP = '  ';

/**
 * Column widths for `rows` that fit `maxWidth` if cutting the cuttable columns can make them fit
 * (wider than `maxWidth` otherwise). Callers that draw rows between other lines use this; others
 * use {@link renderTable}.
 */
export function layoutTable<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, maxWidth: number): TableLayout<Row> {
  const cellText = (column: Column<Row>, row: Row) => singleLine(column.cell(row));
  const cells = rows.map((row) => columns.map((column) => cellText(column, row)));
  const widths = columns.map((column, index) => Math.max(displayWidth(column.header), ...cells.map((line) => displayWidth(line[index]!))));
  const lineWidth = () => widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * Math.max(0, columns.length - 1);
  let excess = lineWidth() - maxWidth;
  while (excess > 0) {
    // Cut the column with the most to spare, one column at a time, so cuts are shared out.
    let widest = -1;
    let most = 0;
    for (const [index, column] of columns.entries()) {
      if (column.minWidth === undefined) continue;
      const spare = widths[index]! - Math.max(column.minWidth, 1);
      if (spare > most) {
        most = spare;
        widest = index;
      }
    }
    if (widest === -1) break;
    widths[widest]! -= 1;
    excess -= 1;
  }
  const format = (texts: readonly string[]) =>
    texts
      .map((text, index) => padToWidth(truncateToWidth(text, widths[index]!), widths[index]!, columns[index]!.align ?? 'left'))
      .join(COLUMN_GAP)
      .trimEnd();
  return {
    widths,
    width: lineWidth(),
    header: format(columns.map((column) => column.header)),
    line: (row) => format(columns.map((column) => cellText(column, row))),
  };
}

/** A header line and one line per row, fitted to `width` columns. */
export function renderTable<Row>(rows: readonly Row[], columns: ReadonlyArray<Column<Row>>, { width }: { width: number }): string {
  const layout = layoutTable(rows, columns, width);
  return [layout.header, ...rows.map((row) => layout.line(row))].join('\n');
}
