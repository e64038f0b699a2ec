import { describe, expect, test } from 'vitest';
import { layoutTable, renderTable, type Column } from '../../../../src/cli/render/table.js';
import { displayWidth, padToWidth, truncateToWidth } from '../../../../src/cli/render/text-width.js';

interface Row {
  name: string;
  count: number;
}

const columns: Array<Column<Row>> = [
  { header: 'name', cell: (row) => row.name, minWidth: 6 },
  { header: 'count', cell: (row) => String(row.count), align: 'right' },
];

describe('text width', () => {
  test('wide characters count two columns, combining marks none, colour codes none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('👍')).toBe(2);
    expect(displayWidth('✓ █░·↺')).toBe(6);
    expect(displayWidth('\u001b[31mred\u001b[0m')).toBe(3);
  });

  test('cutting never exceeds the width, even when a wide character meets the cut', () => {
    expect(truncateToWidth('abcdef', 4)).toBe('abc…');
    expect(truncateToWidth('abc', 3)).toBe('abc');
    expect(truncateToWidth('日本語', 4)).toBe('日…');
    expect(truncateToWidth('日本語', 2)).toBe('…');
    for (let width = 0; width < 8; width += 1) expect(displayWidth(truncateToWidth('日本語です', width))).toBeLessThanOrEqual(width);
    expect(padToWidth('日本', 6)).toBe('日本  ');
    expect(padToWidth('7', 3, 'right')).toBe('  7');
  });
});

describe('column table', () => {
  test('pads by display width and right-aligns numbers', () => {
    const text = renderTable(
      [
        { name: 'alpha', count: 7 },
        { name: '日本', count: 1234 },
      ],
      columns,
      { width: 80 },
    );
    expect(text.split('\n')).toEqual(['name   count', 'alpha      7', '日本    1234']);
  });

  test('cuts the columns that allow it to fit the width, never below their minimum', () => {
    const rows = [{ name: 'a-rather-long-workflow-name', count: 3 }];
    expect(renderTable(rows, columns, { width: 20 }).split('\n')).toEqual(['name           count', 'a-rather-lon…      3']);
    const narrow = layoutTable(rows, columns, 10);
    expect(narrow.widths).toEqual([6, 5]);
    expect(narrow.line(rows[0]!)).toBe('a-rat…      3');
  });

  test('a cell is one printable line: escape sequences and newlines from scripts are removed', () => {
    const text = renderTable([{ name: 'evil\u001b[2J\nlabel', count: 1 }], columns, { width: 80 });
    expect(text).not.toContain('\u001b');
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('evil label');
  });
});
