/**
 * The A05 fallback: a schema agent that never called its submit tool but wrote its answer as JSON
 * in plain text. Models put the final answer last, after any examples or drafts, so the LAST
 * candidate that parses wins: first among fenced blocks (```json or bare ```), then among
 * balanced `{...}` objects anywhere in the text.
 */

export function extractJson(text: string): unknown | undefined {
  const fenced = lastParsing(fencedBlocks(text));
  if (fenced.found) return fenced.value;
  const spans = objectSpans(text);
  const bare = lastObject(text, spans, 0, spans.length);
  return bare.found ? bare.value : undefined;
}

type Parsed = { found: true; value: unknown } | { found: false };

/** Contents of fenced blocks tagged `json` or untagged; other languages are examples, not answers. */
function fencedBlocks(text: string): string[] {
  const blocks: string[] = [];
  // The tag is the word glued to the fence; the body may start on the same line (```json {...}```).
  for (const match of text.matchAll(/```([\w+-]*)([\s\S]*?)```/g)) {
    const tag = (match[1] ?? '').toLowerCase();
    if (tag === '' || tag === 'json') blocks.push(match[2] ?? '');
  }
  return blocks;
}

function lastParsing(candidates: string[]): Parsed {
  for (let index = candidates.length - 1; index >= 0; index--) {
    const parsed = tryParse(candidates[index] ?? '');
    if (parsed.found) return parsed;
  }
  return { found: false };
}

function tryParse(candidate: string): Parsed {
  try {
    return { found: true, value: JSON.parse(candidate) };
  } catch {
    return { found: false };
  }
}

interface Span {
  start: number;
  /** Index of the closing brace. */
  end: number;
}

/**
 * Every balanced `{...}` span, found with a stack of open braces. Inside a span, braces within
 * JSON strings do not count (escapes honoured); outside any span, quotes are prose and ignored.
 * An unmatched `{` in prose just stays on the stack and hides nothing that follows.
 */
function objectSpans(text: string): Span[] {
  const spans: Span[] = [];
  const open: number[] = [];
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = open.length > 0;
    } else if (char === '{') {
      open.push(index);
    } else if (char === '}' && open.length > 0) {
      spans.push({ start: open.pop() as number, end: index });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The last outermost span among `spans[from..to)` that parses. Spans from one stack are nested or
 * disjoint, so in start order a span's descendants directly follow it. When an outermost span does
 * not parse (prose in braces around real JSON), its descendants are tried before earlier spans.
 */
function lastObject(text: string, spans: Span[], from: number, to: number): Parsed {
  const tops: number[] = [];
  for (let index = from; index < to; ) {
    tops.push(index);
    const end = (spans[index] as Span).end;
    index++;
    while (index < to && (spans[index] as Span).start < end) index++;
  }
  for (let top = tops.length - 1; top >= 0; top--) {
    const index = tops[top] as number;
    const span = spans[index] as Span;
    const parsed = tryParse(text.slice(span.start, span.end + 1));
    if (parsed.found) return parsed;
    const nested = lastObject(text, spans, index + 1, tops[top + 1] ?? to);
    if (nested.found) return nested;
  }
  return { found: false };
}
