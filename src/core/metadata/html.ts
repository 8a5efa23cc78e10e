/**
 * HTML to the plain text a reader sees, for quote checking and the index. A hand-written scanner: it
 * must give every offset of the text the same way on each read of the file, and every step below moves
 * forward through the input, so the cost stays linear however broken the markup is. What a page says
 * about itself (title, date, main content) is read with a real parser in `html-metadata.ts`.
 */

const namedEntities: Readonly<Record<string, string>> = {
  nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  rsquo: '\u2019', lsquo: '\u2018', rdquo: '\u201d', ldquo: '\u201c', sbquo: '\u201a', bdquo: '\u201e',
  laquo: '\u00ab', raquo: '\u00bb', lsaquo: '\u2039', rsaquo: '\u203a', prime: '\u2032', Prime: '\u2033',
  ndash: '\u2013', mdash: '\u2014', minus: '\u2212', hellip: '\u2026', bull: '\u2022', middot: '\u00b7',
  shy: '', zwnj: '\u200c', zwj: '\u200d', lrm: '\u200e', rlm: '\u200f', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', deg: '\u00b0', sect: '\u00a7', para: '\u00b6', times: '\u00d7',
  divide: '\u00f7', euro: '\u20ac', pound: '\u00a3', cent: '\u00a2', yen: '\u00a5', iexcl: '\u00a1', iquest: '\u00bf',
  ordf: '\u00aa', ordm: '\u00ba',
  euml: '\u00eb', Euml: '\u00cb', ccedil: '\u00e7', Ccedil: '\u00c7',
  agrave: '\u00e0', aacute: '\u00e1', acirc: '\u00e2', atilde: '\u00e3', auml: '\u00e4', aring: '\u00e5',
  Agrave: '\u00c0', Aacute: '\u00c1', Acirc: '\u00c2', Atilde: '\u00c3', Auml: '\u00c4', Aring: '\u00c5',
  egrave: '\u00e8', eacute: '\u00e9', ecirc: '\u00ea', Egrave: '\u00c8', Eacute: '\u00c9', Ecirc: '\u00ca',
  igrave: '\u00ec', iacute: '\u00ed', icirc: '\u00ee', iuml: '\u00ef', Iacute: '\u00cd', Icirc: '\u00ce',
  ograve: '\u00f2', oacute: '\u00f3', ocirc: '\u00f4', otilde: '\u00f5', ouml: '\u00f6', oslash: '\u00f8',
  Ograve: '\u00d2', Oacute: '\u00d3', Ocirc: '\u00d4', Otilde: '\u00d5', Ouml: '\u00d6', Oslash: '\u00d8',
  ugrave: '\u00f9', uacute: '\u00fa', ucirc: '\u00fb', uuml: '\u00fc', Ugrave: '\u00d9', Uacute: '\u00da',
  Ucirc: '\u00db', Uuml: '\u00dc', ntilde: '\u00f1', Ntilde: '\u00d1', szlig: '\u00df', yacute: '\u00fd',
  yuml: '\u00ff', aelig: '\u00e6', AElig: '\u00c6', oelig: '\u0153', OElig: '\u0152',
  scaron: '\u0161', Scaron: '\u0160', zcaron: '\u017e', Zcaron: '\u017d',
};

// Old pages send &#146; meaning the Windows-1252 curly quote, as browsers read it; a literal C1 control would
// never match a quote in a report.
const windows1252: Readonly<Record<number, string>> = {
  0x80: '\u20ac', 0x82: '\u201a', 0x83: '\u0192', 0x84: '\u201e', 0x85: '\u2026', 0x86: '\u2020', 0x87: '\u2021',
  0x88: '\u02c6', 0x89: '\u2030', 0x8a: '\u0160', 0x8b: '\u2039', 0x8c: '\u0152', 0x8e: '\u017d', 0x91: '\u2018',
  0x92: '\u2019', 0x93: '\u201c', 0x94: '\u201d', 0x95: '\u2022', 0x96: '\u2013', 0x97: '\u2014', 0x98: '\u02dc',
  0x99: '\u2122', 0x9a: '\u0161', 0x9b: '\u203a', 0x9c: '\u0153', 0x9e: '\u017e', 0x9f: '\u0178',
};

function decodeCodePoint(code: number): string {
  if (windows1252[code] !== undefined) {
    return windows1252[code];
  }
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    return '\ufffd';
  }
  return String.fromCodePoint(code);
}

/** Decodes character references; an unknown name is left as written, as browsers do. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) {
    return text;
  }
  return text.replace(/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));?/g, (whole, dec, hex, name) => {
    if (dec !== undefined) {
      return decodeCodePoint(Number.parseInt(dec, 10));
    }
    if (hex !== undefined) {
      return decodeCodePoint(Number.parseInt(hex, 16));
    }
    // Named references need their semicolon; without it 'AT&T' and URL query strings would be mangled.
    const value = namedEntities[name as string];
    return value !== undefined && whole.endsWith(';') ? value : whole;
  });
}

/** Block strength: 2 separates paragraphs with a blank line, 1 starts a new line. */
const blockBreaks: Readonly<Record<string, number>> = {
  p: 2, h1: 2, h2: 2, h3: 2, h4: 2, h5: 2, h6: 2, blockquote: 2, pre: 2, table: 2, ul: 2, ol: 2, dl: 2,
  section: 2, article: 2, header: 2, footer: 2, main: 2, nav: 2, aside: 2, figure: 2, hr: 2, address: 2,
  details: 2, fieldset: 2, form: 2, body: 2,
  div: 1, li: 1, tr: 1, dt: 1, dd: 1, figcaption: 1, caption: 1, summary: 1, option: 1, legend: 1,
};

/** Contents that are code or fallback rather than text; the HTML parser reads them as raw text up to the end tag. */
const rawSkipped = new Set(['script', 'style', 'noscript', 'iframe', 'noembed', 'noframes', 'xmp', 'plaintext']);
/** Contents that are markup but not page text; nesting is tracked so an inner <svg> does not end the outer. */
const nestedSkipped = new Set(['svg', 'template', 'math']);
/** Elements that may sit in <head>; anything else starts the body, as when </head> and <body> are left out. */
const headElements = new Set(['head', 'title', 'meta', 'link', 'style', 'script', 'noscript', 'base', 'template']);

const closingTagPatterns = new Map<string, RegExp>();
function closingTagPattern(name: string): RegExp {
  let pattern = closingTagPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`</${name}(?=[\\s/>]|$)`, 'gi');
    closingTagPatterns.set(name, pattern);
  }
  return pattern;
}

/** Builds the text, placing breaks between blocks and single spaces between inline runs. */
class TextBuilder {
  private readonly parts: string[] = [];
  private pendingBreaks = 0;
  private pendingSpace = false;
  private lineHasText = false;
  private hasText = false;

  block(strength: number): void {
    this.pendingBreaks = Math.max(this.pendingBreaks, strength);
  }

  lineBreak(): void {
    this.pendingBreaks++;
  }

  space(): void {
    this.pendingSpace = true;
  }

  /** Text collapsed as the browser renders it: any whitespace run becomes one space. */
  inline(decoded: string): void {
    const collapsed = decoded.replace(/\s+/g, ' ');
    if (collapsed === '' || collapsed === ' ') {
      if (collapsed === ' ') {
        this.pendingSpace = true;
      }
      return;
    }
    const leading = collapsed.startsWith(' ');
    const trailing = collapsed.endsWith(' ');
    this.emit(collapsed.slice(leading ? 1 : 0, trailing ? -1 : undefined), leading);
    this.pendingSpace = trailing;
  }

  /** Text inside <pre>, whose line breaks are meaningful. */
  preformatted(decoded: string): void {
    const lines = decoded.replace(/\r\n?/g, '\n').split('\n');
    lines.forEach((line, index) => {
      if (index > 0) {
        this.lineBreak();
      }
      const trimmed = line.trimEnd();
      if (trimmed !== '') {
        this.emit(trimmed, false);
      }
    });
  }

  private emit(text: string, spaceBefore: boolean): void {
    let prefix = '';
    if (this.hasText && this.pendingBreaks > 0) {
      prefix = '\n'.repeat(Math.min(this.pendingBreaks, 2));
      this.lineHasText = false;
    } else if ((spaceBefore || this.pendingSpace) && this.lineHasText) {
      prefix = ' ';
    }
    this.pendingBreaks = 0;
    this.pendingSpace = false;
    this.parts.push(prefix, text);
    this.lineHasText = true;
    this.hasText = true;
  }

  toString(): string {
    return this.parts.join('');
  }
}

const isAsciiLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isTagNameChar = (code: number): boolean =>
  isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 45 /* - */ || code === 58 /* : */;

export function htmlToText(html: string): string {
  const out = new TextBuilder();
  let inHead = false;
  let preDepth = 0;
  let skipTag: string | undefined;
  let skipDepth = 0;
  // Once a quote character has no later occurrence, no later search for it can succeed either; remembering
  // that keeps a page full of unterminated attributes from costing a scan to the end per tag.
  const noQuoteFrom: Record<string, number> = { '"': Infinity, "'": Infinity };
  const length = html.length;

  const text = (from: number, to: number): void => {
    if (to <= from || inHead || skipTag !== undefined) {
      return;
    }
    const decoded = decodeEntities(html.slice(from, to));
    if (preDepth > 0) {
      out.preformatted(decoded);
    } else {
      out.inline(decoded);
    }
  };

  /** The index just past the tag's closing '>', skipping '>' inside quoted attribute values. */
  const tagEnd = (from: number): number => {
    let previous = '';
    for (let i = from; i < length; i++) {
      const c = html[i];
      if (c === '>') {
        return i + 1;
      }
      if ((c === '"' || c === "'") && previous === '=') {
        const close = i + 1 >= noQuoteFrom[c] ? -1 : html.indexOf(c, i + 1);
        if (close === -1) {
          noQuoteFrom[c] = Math.min(noQuoteFrom[c], i + 1);
          const gt = html.indexOf('>', i);
          return gt === -1 ? length : gt + 1;
        }
        i = close;
        previous = c;
        continue;
      }
      if (!/\s/.test(c)) {
        previous = c;
      }
    }
    return length;
  };

  // position: where pending text starts; scan: where to look for the next '<' (past any stray ones).
  let position = 0;
  let scan = 0;
  while (position < length) {
    scan = Math.max(scan, position);
    const lt = html.indexOf('<', scan);
    if (lt === -1) {
      text(position, length);
      break;
    }
    const next = html[lt + 1];
    if (html.startsWith('<!--', lt)) {
      text(position, lt);
      const close = html.indexOf('-->', lt + 4);
      position = close === -1 ? length : close + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      text(position, lt);
      const close = html.indexOf('>', lt);
      position = close === -1 ? length : close + 1;
      continue;
    }
    const closing = next === '/';
    const nameStart = lt + (closing ? 2 : 1);
    let nameEnd = nameStart;
    if (isAsciiLetter(html.charCodeAt(nameStart))) {
      nameEnd++;
      while (nameEnd < length && isTagNameChar(html.charCodeAt(nameEnd))) {
        nameEnd++;
      }
    }
    if (nameEnd === nameStart) {
      // A '<' that opens no tag ('a < b', '<3') is text, as browsers show it.
      scan = lt + 1;
      continue;
    }
    text(position, lt);
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    const end = tagEnd(nameEnd);
    position = end;
    const selfClosing = html[end - 2] === '/' && html[end - 1] === '>';

    if (skipTag !== undefined) {
      if (name === skipTag) {
        if (closing) {
          skipDepth--;
        } else if (!selfClosing) {
          skipDepth++;
        }
        if (skipDepth === 0) {
          skipTag = undefined;
        }
      }
      continue;
    }

    if (closing) {
      if (name === 'head') {
        inHead = false;
      } else if (name === 'pre') {
        preDepth = Math.max(0, preDepth - 1);
      }
      if (name === 'td' || name === 'th') {
        out.space();
      } else if (blockBreaks[name] !== undefined) {
        out.block(blockBreaks[name]);
      }
      continue;
    }

    if (inHead && !headElements.has(name)) {
      inHead = false;
    }
    switch (name) {
      case 'head':
        inHead = true;
        break;
      case 'body':
        inHead = false;
        break;
      case 'br':
        out.lineBreak();
        break;
      case 'pre':
        preDepth++;
        break;
    }

    if (name === 'title' || name === 'textarea' || rawSkipped.has(name)) {
      if (selfClosing && name !== 'script') {
        continue;
      }
      const pattern = closingTagPattern(name);
      pattern.lastIndex = end;
      const close = pattern.exec(html);
      // An unclosed <title> would otherwise swallow the page; stopping at the next tag keeps the title sane.
      const rcdata = name === 'title' || name === 'textarea';
      const nextTag = rcdata && !close ? html.indexOf('<', end) : -1;
      const contentEnd = close ? close.index : nextTag !== -1 ? nextTag : length;
      if (name === 'textarea') {
        text(end, contentEnd);
      }
      position = close ? tagEnd(close.index + close[0].length) : contentEnd;
      continue;
    }
    if (nestedSkipped.has(name) && !selfClosing) {
      skipTag = name;
      skipDepth = 1;
      continue;
    }
    if (name === 'td' || name === 'th') {
      out.space();
    } else if (blockBreaks[name] !== undefined && name !== 'br') {
      out.block(blockBreaks[name]);
    }
  }

  return finishText(out.toString());
}

function finishText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
