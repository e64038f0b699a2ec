/**
 * Where the CLI writes: stdout for results, stderr for progress and diagnostics. Commands get an
 * Output instead of touching process.stdout, so tests can capture both as strings.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: the live progress view is drawn there, with colour unless NO_COLOR. */
  readonly errIsTty: boolean;
  /** The terminal behind stderr, for the live view (its size and resizes); absent in tests and pipes. */
  readonly errTerminal?: NodeJS.WriteStream;
  /** Whether stdout is a terminal: a result's markdown report is printed for people, JSON for programs. */
  readonly outIsTty?: boolean;
}

export function processOutput(): Output {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    errIsTty: Boolean(process.stderr.isTTY),
    ...(process.stderr.isTTY ? { errTerminal: process.stderr } : {}),
    outIsTty: Boolean(process.stdout.isTTY),
  };
}
