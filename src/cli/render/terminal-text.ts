/**
 * Text from scripts, agents and providers made safe to print on a terminal. Labels, log lines and
 * an agent's activity are not ours: an escape sequence in them could move the cursor or clear the
 * screen, and a stray newline would break the live view's count of the lines it has to erase.
 */

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and two-character escape sequences. */
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
/** C0 and C1 control characters except tab (U+0009) and line feed (U+000A). */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** One line: escape sequences and control characters removed, every run of whitespace one space. */
export function singleLine(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\s+/g, ' ').replace(CONTROL_CHARACTER, '').trim();
}

/** Printable text that keeps its line breaks: escape sequences and control characters removed, tabs as two spaces. */
export function printableText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\r\n?/g, '\n').replace(/\t/g, '  ').replace(CONTROL_CHARACTER, '');
}
