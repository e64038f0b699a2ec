/**
 * HTML to readable text for `web_fetch`, without dependencies: a small linear scanner, not a full
 * HTML parser. It keeps what a model needs to read a page (headings as `#` lines, paragraphs, list
 * items as `- `, links as `text (url)`, code blocks) and drops what only costs tokens (scripts,
 * styles, navigation, headers, footers, inline SVG). Malformed HTML degrades to more or less text,
 * never to an exception. If quality turns out poor, the research notes suggest linkedom +
 * readability + turndown as the upgrade.
 */

/** Elements whose whole content is dropped. */
const DROPPED = new Set(['script', 'style', 'nav', 'footer', 'header', 'noscript', 'svg', 'template', 'iframe', 'head', 'object', 'canvas', 'select']);
/** Elements whose content is raw text up to the closing tag (a `<` inside them is not a tag). */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'noscript']);
/** Elements that never have content or a closing tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements that start and end a paragraph-like block. */
const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'aside', 'blockquote', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tfoot',
  'form', 'fieldset', 'dl', 'address', 'details', 'summary', 'center', 'body', 'html', 'caption',
]);

export function htmlToText(html: string, baseUrl?: string): string {
  const out = new TextBuilder();
  let title: string | undefined;
  /** Open dropped elements, innermost last; text is skipped while it is not empty. */
  const dropped: string[] = [];
  const links: { href: string | undefined; start: number }[] = [];
  let listDepth = 0;
  let cellInRow = 0;
  let index = 0;

  while (index < html.length) {
    const lt = html.indexOf('<', index);
    if (lt === -1) {
      if (dropped.length === 0) out.text(html.slice(index));
      break;
    }
    if (lt > index && dropped.length === 0) out.text(html.slice(index, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      index = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      const end = html.indexOf(']]>', lt + 9);
      if (dropped.length === 0) out.raw(html.slice(lt + 9, end === -1 ? html.length : end));
      index = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      index = end === -1 ? html.length : end + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (tag === undefined) {
      if (dropped.length === 0) out.text('<');
      index = lt + 1;
      continue;
    }
    index = tag.end;
    const { name } = tag;

    if (!tag.closing && RAW_TEXT.has(name) && !tag.selfClosing) {
      // Raw text runs to the matching closing tag, whatever it contains.
      const close = new RegExp(`</${name}[\\s/>]`, 'ig');
      close.lastIndex = index;
      const found = close.exec(html);
      const contentEnd = found ? found.index : html.length;
      if (name === 'title' && title === undefined) title = collapse(decodeEntities(html.slice(index, contentEnd))).trim();
      else if (name === 'textarea' && dropped.length === 0) out.text(html.slice(index, contentEnd));
      const after = found ? html.indexOf('>', found.index) : -1;
      index = after === -1 ? html.length : after + 1;
      continue;
    }

    if (DROPPED.has(name)) {
      if (tag.closing) {
        const at = dropped.lastIndexOf(name);
        if (at !== -1) dropped.length = at;
      } else if (!tag.selfClosing && !VOID.has(name)) dropped.push(name);
      continue;
    }
    if (dropped.length > 0) continue;

    if (/^h[1-6]$/.test(name)) {
      out.blankLine();
      if (!tag.closing) out.raw(`${'#'.repeat(Number(name[1]))} `);
      continue;
    }
    switch (name) {
      case 'br':
        out.newline();
        break;
      case 'hr':
        out.blankLine();
        out.raw('---');
        out.blankLine();
        break;
      case 'ul':
      case 'ol':
      case 'menu':
        listDepth = Math.max(0, listDepth + (tag.closing ? -1 : 1));
        if (listDepth === 0) out.blankLine();
        else out.newline();
        break;
      case 'li':
        out.newline();
        if (!tag.closing) out.raw(`${'  '.repeat(Math.max(0, listDepth - 1))}- `);
        break;
      case 'dt':
      case 'dd':
        out.newline();
        if (!tag.closing && name === 'dd') out.raw('  ');
        break;
      case 'tr':
        out.newline();
        cellInRow = 0;
        break;
      case 'td':
      case 'th':
        if (!tag.closing && cellInRow++ > 0) out.raw(' | ');
        break;
      case 'pre':
        if (tag.closing) {
          out.newline();
          out.raw('```');
          out.endPre();
          out.blankLine();
        } else {
          out.blankLine();
          out.raw('```\n');
          out.startPre();
        }
        break;
      case 'code':
      case 'kbd':
      case 'samp':
        if (!out.inPre) out.raw('`');
        break;
      case 'a':
        if (!tag.closing) links.push({ href: attribute(tag.attributes, 'href'), start: out.mark });
        else {
          const link = links.pop();
          const url = link ? linkUrl(link.href, baseUrl) : undefined;
          const text = link ? out.since(link.start).trim() : '';
          if (url && text !== '' && text !== url) out.raw(` (${url})`);
        }
        break;
      default:
        if (BLOCKS.has(name)) out.blankLine();
    }
  }
  const body = out.finish();
  return title ? `Title: ${title}\n\n${body}` : body;
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: string;
  /** Index just past the `>`. */
  end: number;
}

/** Reads the tag starting at `html[lt] === '<'`, honouring quoted attribute values (which may contain `>`). */
function readTag(html: string, lt: number): Tag | undefined {
  let at = lt + 1;
  const closing = html[at] === '/';
  if (closing) at++;
  const nameMatch = /^[a-zA-Z][a-zA-Z0-9:-]*/.exec(html.slice(at, at + 64));
  if (!nameMatch) return undefined;
  at += nameMatch[0].length;
  const attributesStart = at;
  let quote: string | undefined;
  for (; at < html.length; at++) {
    const char = html[at];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') break;
  }
  const attributes = html.slice(attributesStart, at);
  return {
    name: nameMatch[0].toLowerCase(),
    closing,
    selfClosing: attributes.trimEnd().endsWith('/'),
    attributes,
    end: Math.min(html.length, at + 1),
  };
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim();
}

/** An absolute URL worth showing, or undefined (fragments, `javascript:`, unparsable). */
function linkUrl(href: string | undefined, baseUrl: string | undefined): string | undefined {
  if (!href || href.startsWith('#')) return undefined;
  try {
    const url = new URL(href, baseUrl);
    if (url.protocol === 'javascript:' || url.protocol === 'data:' || url.protocol === 'vbscript:') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ');
}

/**
 * Accumulates output text with paragraph and line discipline; whitespace collapses outside `pre`.
 * Text is kept as a list of parts and only the tail is ever inspected or trimmed, so a large page
 * costs linear time (a single growing string with end-anchored regexes would be quadratic).
 */
class TextBuilder {
  private readonly parts: string[] = [];
  private preDepth = 0;

  /** A position to pass to {@link since}. */
  get mark(): number {
    return this.parts.length;
  }

  get inPre(): boolean {
    return this.preDepth > 0;
  }

  startPre(): void {
    this.preDepth++;
  }

  endPre(): void {
    this.preDepth = Math.max(0, this.preDepth - 1);
  }

  since(mark: number): string {
    return this.parts.slice(mark).join('');
  }

  text(html: string): void {
    const decoded = decodeEntities(html);
    if (this.inPre) {
      this.push(decoded);
      return;
    }
    let text = collapse(decoded);
    const last = this.tail(1);
    if (last === '' || last === ' ' || last === '\n') text = text.replace(/^ /, '');
    this.push(text);
  }

  /** Text written as is (markers such as `# `, `- `, fences). */
  raw(text: string): void {
    this.push(text);
  }

  newline(): void {
    if (!this.inPre) this.trimTrailingSpaces();
    const last = this.tail(1);
    if (last !== '' && last !== '\n') this.push('\n');
  }

  blankLine(): void {
    this.newline();
    const last = this.tail(2);
    if (last !== '' && last !== '\n\n' && !(last.length === 1 && last === '\n')) this.push('\n');
  }

  finish(): string {
    return this.parts
      .join('')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/^(#{1,6}|-) *$/gm, '') // a heading or list item that ended up empty
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  private push(text: string): void {
    if (text !== '') this.parts.push(text);
  }

  /** The last `count` characters written (fewer at the start). */
  private tail(count: number): string {
    let text = '';
    for (let index = this.parts.length - 1; index >= 0 && text.length < count; index--) text = this.parts[index] + text;
    return text.slice(-count);
  }

  private trimTrailingSpaces(): void {
    while (this.parts.length > 0) {
      const last = this.parts[this.parts.length - 1] ?? '';
      let end = last.length;
      while (end > 0 && (last[end - 1] === ' ' || last[end - 1] === '\t')) end--;
      if (end === last.length) return;
      if (end > 0) {
        this.parts[this.parts.length - 1] = last.slice(0, end);
        return;
      }
      this.parts.pop();
    }
  }
}

/** Common named entities; anything else named is left as written. */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009',
  shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c', lrm: '\u200e', rlm: '\u200f',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', minus: '−', lsquo: '‘', rsquo: '’', sbquo: '‚',
  ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', deg: '°',
  times: '×', divide: '÷', plusmn: '±', euro: '€', pound: '£', yen: '¥', cent: '¢', curren: '¤', sect: '§', para: '¶',
  dagger: '†', Dagger: '‡', permil: '‰', prime: '′', Prime: '″', micro: 'µ', iexcl: '¡', iquest: '¿', ordf: 'ª', ordm: 'º',
  sup1: '¹', sup2: '²', sup3: '³', frac14: '¼', frac12: '½', frac34: '¾', not: '¬', macr: '¯', acute: '´', cedil: '¸', uml: '¨',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', lArr: '⇐', rArr: '⇒', hArr: '⇔', le: '≤', ge: '≥', ne: '≠',
  asymp: '≈', equiv: '≡', infin: '∞', sum: '∑', prod: '∏', radic: '√', part: '∂', nabla: '∇', isin: '∈', notin: '∉',
  cap: '∩', cup: '∪', sub: '⊂', sup: '⊃', and: '∧', or: '∨', forall: '∀', exist: '∃', empty: '∅', alpha: 'α', beta: 'β',
  gamma: 'γ', delta: 'δ', epsilon: 'ε', lambda: 'λ', mu: 'μ', pi: 'π', sigma: 'σ', tau: 'τ', phi: 'φ', omega: 'ω',
  Delta: 'Δ', Sigma: 'Σ', Omega: 'Ω', check: '✓', star: '☆', hearts: '♥',
  Agrave: 'À', Aacute: 'Á', Acirc: 'Â', Atilde: 'Ã', Auml: 'Ä', Aring: 'Å', AElig: 'Æ', Ccedil: 'Ç', Egrave: 'È', Eacute: 'É',
  Ecirc: 'Ê', Euml: 'Ë', Iacute: 'Í', Iuml: 'Ï', Ntilde: 'Ñ', Oacute: 'Ó', Ocirc: 'Ô', Ouml: 'Ö', Oslash: 'Ø', Uacute: 'Ú',
  Uuml: 'Ü', szlig: 'ß', agrave: 'à', aacute: 'á', acirc: 'â', atilde: 'ã', auml: 'ä', aring: 'å', aelig: 'æ', ccedil: 'ç',
  egrave: 'è', eacute: 'é', ecirc: 'ê', euml: 'ë', igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï', ntilde: 'ñ', ograve: 'ò',
  oacute: 'ó', ocirc: 'ô', otilde: 'õ', ouml: 'ö', oslash: 'ø', ugrave: 'ù', uacute: 'ú', ucirc: 'û', uuml: 'ü', yacute: 'ý',
  yuml: 'ÿ',
};

/** The HTML spec maps numeric references 0x80–0x9F to their Windows-1252 characters. */
const WINDOWS_1252: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6, 0x89: 0x2030,
  0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022,
  0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

/** Decodes named (common set) and numeric (`&#65;`, `&#x41;`) character references. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g, (whole, decimal?: string, hexa?: string, name?: string) => {
    if (name !== undefined) {
      // Named references need their semicolon, except the few that browsers accept bare.
      const value = NAMED[name];
      if (value === undefined) return whole;
      if (!whole.endsWith(';') && !['amp', 'lt', 'gt', 'quot', 'nbsp'].includes(name)) return whole;
      return value;
    }
    let code = decimal !== undefined ? parseInt(decimal, 10) : parseInt(hexa ?? '', 16);
    code = WINDOWS_1252[code] ?? code;
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  });
}
