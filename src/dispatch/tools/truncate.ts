/**
 * Every tool returns capped text and says when it cut something, so a model never mistakes a
 * partial answer for the whole and a huge file or page cannot flood the context window.
 */

/** The marker appended when `text` was cut: `…[truncated N bytes]`. */
export function truncationMarker(droppedBytes: number): string {
  return `…[truncated ${droppedBytes} bytes]`;
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes (plus the marker), never inside a character.
 * Returned unchanged when it fits.
 */
export function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}\n${truncationMarker(bytes.length - end)}`;
}

/** One line cut to `maxChars` characters, with a marker saying how much was cut. */
export function cutLine(line: string, maxChars: number): string {
  if (line.length <= maxChars) return line;
  return `${line.slice(0, maxChars)}…[line cut: ${line.length - maxChars} more chars]`;
}
