/**
 * `read_file`: a window of a text file with line numbers, so the model can cite lines and ask for
 * the next window. The file is streamed, never loaded whole: a window of a multi-gigabyte log
 * costs one pass at most, and the pass that only counts lines stops after {@link MAX_COUNT_BYTES}.
 */
import { looksBinary, BINARY_SNIFF_BYTES } from './binary.js';
import { optionalInteger, requiredString } from './input.js';
import { fsError, openForRead } from './path-guard.js';
import { ToolError, type AgentTool, type ToolContext } from './tool.js';

const DEFAULT_LIMIT = 2000;
/** Output budget per call; the window ends early (and says so) when the next line would pass it. */
export const READ_FILE_MAX_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 2000;
/** Bytes kept of one line: enough for MAX_LINE_CHARS characters of 4-byte UTF-8, so cutting happens on characters. */
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4 + 4;
const CHUNK_BYTES = 64 * 1024;
/** After the window is read, lines are counted only this far into the file to report a total. */
const MAX_COUNT_BYTES = 64 * 1024 * 1024;

export const readFileTool: AgentTool = {
  name: 'read_file',
  description:
    'Read a text file inside the project. Returns numbered lines ("   12\\t..."). ' +
    `Reads at most ${DEFAULT_LIMIT} lines or 256 KB per call; when more remains, the output says which offset to call again with. ` +
    'Binary files are refused. Paths are relative to the project root.',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the project root.' },
      offset: { type: 'integer', minimum: 1, description: 'First line to show (1-based). Default 1.' },
      limit: { type: 'integer', minimum: 1, description: `Number of lines to show. Default ${DEFAULT_LIMIT}.` },
    },
    required: ['path'],
    additionalProperties: false,
  },
  readsWorkspace: true,
  version: 1,
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<string> {
    const path = requiredString(input, 'path', { maxLength: 4096 });
    const offset = optionalInteger(input, 'offset', { min: 1, fallback: 1 });
    const limit = optionalInteger(input, 'limit', { min: 1, fallback: DEFAULT_LIMIT });
    context.signal.throwIfAborted();
    const file = await openForRead(context.root, path);
    try {
      return await readWindow(file.handle, path, offset, limit, context.signal);
    } catch (error) {
      throw fsError(error, path);
    } finally {
      await file.handle.close();
    }
  },
};

interface Handle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

async function readWindow(handle: Handle, path: string, offset: number, limit: number, signal: AbortSignal): Promise<string> {
  const end = offset + limit; // first line not wanted
  const shown: string[] = [];
  let shownBytes = 0;
  /** Line number where the byte budget ran out (the next offset), if it did. */
  let cappedAt: number | undefined;
  let lineNo = 1;
  let lineParts: Buffer[] = [];
  let lineKept = 0;
  let lineHasBytes = false;
  let position = 0;
  let totalKnown = true;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  const wanted = () => lineNo >= offset && lineNo < end && cappedAt === undefined;
  const keep = (bytes: Buffer) => {
    if (lineKept >= MAX_LINE_BYTES) return;
    const slice = bytes.subarray(0, MAX_LINE_BYTES - lineKept);
    lineParts.push(Buffer.from(slice)); // copy: `buffer` is reused for the next chunk
    lineKept += slice.length;
  };
  const finishLine = () => {
    if (wanted()) {
      let text = Buffer.concat(lineParts).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      const cut = text.length > MAX_LINE_CHARS || lineKept >= MAX_LINE_BYTES;
      if (cut) text = `${text.slice(0, MAX_LINE_CHARS)}…[line cut at ${MAX_LINE_CHARS} chars]`;
      const formatted = `${String(lineNo).padStart(5)}\t${text}`;
      const bytes = Buffer.byteLength(formatted) + 1;
      if (shownBytes + bytes > READ_FILE_MAX_BYTES && shown.length > 0) cappedAt = lineNo;
      else {
        shown.push(formatted);
        shownBytes += bytes;
      }
    }
    lineParts = [];
    lineKept = 0;
    lineHasBytes = false;
    lineNo++;
  };

  for (;;) {
    signal.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    if (position === 0 && looksBinary(chunk.subarray(0, BINARY_SNIFF_BYTES))) {
      throw new ToolError(`${JSON.stringify(path)} is a binary file; read_file shows text files only`);
    }
    position += bytesRead;
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) break;
      if (wanted()) keep(chunk.subarray(start, newline));
      finishLine();
      start = newline + 1;
    }
    if (start < chunk.length) {
      lineHasBytes = true;
      if (wanted()) keep(chunk.subarray(start));
    }
    const windowDone = lineNo >= end || cappedAt !== undefined;
    if (windowDone && position >= MAX_COUNT_BYTES) {
      totalKnown = false;
      break;
    }
  }
  if (totalKnown && lineHasBytes) finishLine(); // a last line without a final newline
  const total = lineNo - 1; // lines seen; the whole file when totalKnown

  if (total === 0) return `${JSON.stringify(path)} is empty`;
  if (offset > total) {
    throw new ToolError(`offset ${offset} is past the end of ${JSON.stringify(path)} (${totalKnown ? '' : 'at least '}${total} lines)`);
  }
  const first = offset;
  const last = cappedAt !== undefined ? cappedAt - 1 : Math.min(end - 1, total);
  const totalText = totalKnown ? String(total) : `at least ${total}`;
  const more = !totalKnown || last < total;
  let footer = '';
  if (more) {
    const why = cappedAt !== undefined ? ` (256 KB per call)` : '';
    footer = `\n[showing lines ${first}–${last} of ${totalText}${why}; call again with offset ${last + 1}]`;
  } else if (first > 1) {
    footer = `\n[showing lines ${first}–${last} of ${totalText}; end of file]`;
  }
  return shown.join('\n') + footer;
}
