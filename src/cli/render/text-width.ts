/**
 * How wide text is on a terminal, in columns, so tables and timelines line up when labels hold
 * CJK characters or emoji (two columns each) or combining marks (none); string length gets all
 * three wrong. Widths come from string-width (Unicode's East Asian Width and emoji data); cutting
 * goes grapheme by grapheme, because cli-truncate can overshoot by a column when the cut falls on
 * a wide character (`cliTruncate('日本語', 2)` is `日…`, three columns).
 */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Columns `text` takes on a terminal; colour codes take none. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` (without colour codes) cut to at most `width` columns, ending in `…` when it was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const columns = stringWidth(segment);
    if (used + columns > width - 1) break;
    kept += segment;
    used += columns;
  }
  return `${kept}…`;
}

/** `text` padded with spaces to `width` columns, on the right (`left` alignment) or the left. */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const padding = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'left' ? text + padding : padding + text;
}
