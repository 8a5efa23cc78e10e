/**
 * The LaTeX that bibliography exports contain, read as pandoc reads it: into plain Unicode text for
 * source metadata, and into CSL-JSON rich text (`<i>`, `<b>`, `<sup>`, `<span class="nocase">`) for
 * `citewise bib`, with the sentence casing pandoc gives English titles.
 */

/** Text, or a run of text with one formatting. `group` is a pair of braces, which protects case. */
export type TexInline = string | { kind: TexKind; children: TexInline[] };
type TexKind = 'group' | 'i' | 'b' | 'sc' | 'sup' | 'sub' | 'quote';

const accentMarks: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '"': '\u0308', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030C', u: '\u0306', H: '\u030B', k: '\u0328', r: '\u030A', d: '\u0323', b: '\u0331', t: '\u0361',
  // `\bar{1}` in running text is an overlined digit, as in crystallographic notation.
  bar: '\u0304',
};

const namedSymbols: Record<string, string> = {
  ss: 'ß', SS: 'SS', o: 'ø', O: 'Ø', aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', l: 'ł', L: 'Ł',
  i: 'ı', j: 'ȷ', dj: 'đ', DJ: 'Đ', th: 'þ', TH: 'Þ', dh: 'ð', DH: 'Ð', ng: 'ŋ', NG: 'Ŋ',
  textendash: '–', textemdash: '—', textquoteright: '’', textquoteleft: '‘', textquotedblleft: '“',
  textquotedblright: '”', textquotedbl: '"', textquotesingle: "'", guillemotleft: '«', guillemotright: '»',
  guillemetleft: '«', guillemetright: '»', quotedblbase: '„', quotesinglbase: '‚', ldots: '…', dots: '…',
  textellipsis: '…', textasciitilde: '~', textasciicircum: '^', textbackslash: '\\', textunderscore: '_',
  textbar: '|', textless: '<', textgreater: '>', textdegree: '°', textsection: '§', S: '§', textparagraph: '¶',
  pounds: '£', textsterling: '£', euro: '€', texteuro: '€', textdollar: '$', copyright: '©', textcopyright: '©',
  textregistered: '®', texttrademark: '™', textbullet: '•', textperiodcentered: '·', textnumero: '№',
  LaTeX: 'LaTeX', TeX: 'TeX', slash: '/', space: ' ', quad: ' ', qquad: ' ', newline: ' ', par: ' ',
  // biblatex's hyphenation-friendly hyphen, and the math symbols that turn up in titles.
  hyphen: '-', textpm: '±', pm: '±', cdot: '·', times: '×', div: '÷', le: '≤', leq: '≤', ge: '≥', geq: '≥',
  approx: '≈', sim: '∼', neq: '≠', infty: '∞', to: '→', rightarrow: '→', leftarrow: '←', degree: '°',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', kappa: 'κ', lambda: 'λ', mu: 'μ', pi: 'π',
  sigma: 'σ', tau: 'τ', phi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Sigma: 'Σ',
  Omega: 'Ω', odot: '⊙', relax: '', null: '', ignorespaces: '', unskip: '', noindent: '', protect: '',
};

const controlSymbols: Record<string, string> = {
  '&': '&', '%': '%', $: '$', _: '_', '#': '#', '{': '{', '}': '}', ' ': ' ', '\\': ' ', ',': '\u202f', ';': ' ',
  ':': ' ', '!': '', '-': '', '/': '', '@': '', '|': '|',
};

const formatting: Record<string, TexKind> = {
  emph: 'i', textit: 'i', mkbibemph: 'i', mkbibitalic: 'i', textsl: 'i', it: 'i', em: 'i',
  textbf: 'b', mkbibbold: 'b', bf: 'b',
  textsc: 'sc', sc: 'sc',
  textsuperscript: 'sup', mkbibsuperscript: 'sup',
  textsubscript: 'sub', mkbibsubscript: 'sub',
  mkbibquote: 'quote', enquote: 'quote', mkbibenquote: 'quote',
};

/** Commands whose arguments are sorting hints or cross-references, never text (`{\noopsort{condorcet}}de Condorcet`). */
const droppedWithArgument = new Set(['noopsort', 'sortname', 'nocite', 'index', 'label', 'hyphenation', 'hspace', 'vspace']);

/** Spacing commands that take a dimension: `de’\kern0pt` is "de’". */
const dimensionCommands = new Set(['kern', 'hskip', 'vskip', 'mkern', 'mskip']);

/** `\foreignlanguage{french}{texte}` and `\href{url}{text}`: the text is the last argument. */
const textInSecondArgument = new Set(['foreignlanguage', 'href', 'textcolor', 'colorbox']);

/**
 * Groups nested deeper than this are read as text without a group of their own: real exports nest a
 * few levels, and a hostile file nesting thousands must not exhaust the stack.
 */
const maxDepth = 32;

class TexReader {
  i = 0;
  private depth = 0;
  /** Braces opened past maxDepth, whose closing braces are skipped too. */
  private flattened = 0;
  constructor(readonly input: string) {}

  /** Reads inlines up to the `}` that closes the current group (or the end). */
  inlines(inMath = false): TexInline[] {
    this.depth++;
    try {
      return this.read(inMath);
    } finally {
      this.depth--;
    }
  }

  private read(inMath: boolean): TexInline[] {
    const out: TexInline[] = [];
    const input = this.input;
    const push = (text: string): void => {
      if (typeof out[out.length - 1] === 'string') out[out.length - 1] += text;
      else out.push(text);
    };
    while (this.i < input.length) {
      const c = input[this.i];
      if ((c === '{' && this.depth >= maxDepth) || (c === '}' && this.flattened > 0)) {
        this.flattened += c === '{' ? 1 : -1;
        this.i++;
        continue;
      }
      if (c === '}') return out;
      if (c === '$' && inMath) return out;
      if (c === '{') {
        this.i++;
        const special = input[this.i] === '\\' && /^\\(?:[^A-Za-z]|[A-Za-z]+)/.exec(input.slice(this.i));
        const children = this.inlines();
        this.i++;
        // `{\"O}zge` is BibTeX's spelling of a special character, not a case-protected group.
        const word = special ? special[0].slice(1) : '';
        if (special && (word in accentMarks || word in namedSymbols || word.length === 1)) children.forEach((child) => (typeof child === 'string' ? push(child) : out.push(child)));
        else out.push({ kind: 'group', children });
      } else if (c === '\\') {
        this.command(out, push);
      } else if (c === '$') {
        this.i++;
        const math = this.inlines(true);
        this.i++;
        math.forEach((child) => (typeof child === 'string' ? push(child) : out.push(child)));
      } else if (c === '~') {
        push('\u00a0');
        this.i++;
      } else if (c === '-') {
        let j = this.i;
        while (j < input.length && input[j] === '-') j++;
        const run = j - this.i;
        push(run === 3 ? '—' : run === 2 ? '–' : '-'.repeat(run));
        this.i = j;
      } else if (c === '`') {
        const double = input[this.i + 1] === '`';
        push(double ? '“' : '‘');
        this.i += double ? 2 : 1;
      } else if (c === "'") {
        const double = input[this.i + 1] === "'";
        push(double ? '”' : '’');
        this.i += double ? 2 : 1;
      } else if (/\s/.test(c)) {
        push(' ');
        while (this.i < input.length && /\s/.test(input[this.i])) this.i++;
      } else {
        push(c);
        this.i++;
      }
    }
    return out;
  }

  private skipSpaces(): void {
    while (this.i < this.input.length && /[ \t\n\r]/.test(this.input[this.i])) this.i++;
  }

  /** A braced argument, or the next single character. */
  private argument(): TexInline[] {
    this.skipSpaces();
    // Past maxDepth the braces are left for read() to flatten.
    if (this.input[this.i] === '{' && this.depth >= maxDepth) return [];
    if (this.input[this.i] === '{') {
      this.i++;
      const children = this.inlines();
      this.i++;
      return children;
    }
    if (this.input[this.i] === '\\') {
      const out: TexInline[] = [];
      this.command(out, (text) => out.push(text));
      return out;
    }
    return this.i < this.input.length ? [this.input[this.i++]] : [];
  }

  private command(out: TexInline[], push: (text: string) => void): void {
    const input = this.input;
    this.i++;
    if (this.i >= input.length) return;
    const next = input[this.i];
    if (!/[A-Za-z]/.test(next)) {
      this.i++;
      if (next in accentMarks) push(accented(this.argument(), accentMarks[next]));
      else push(controlSymbols[next] ?? next);
      return;
    }
    let j = this.i;
    while (j < input.length && /[A-Za-z]/.test(input[j])) j++;
    const word = input.slice(this.i, j);
    this.i = j;
    if (word in accentMarks) {
      push(accented(this.argument(), accentMarks[word]));
    } else if (word in namedSymbols) {
      // A control word swallows the spaces after it, as in TeX ("\ss e" is "ße"; "\o{}" is "ø").
      while (this.i < input.length && (input[this.i] === ' ' || input[this.i] === '\t')) this.i++;
      if (input.startsWith('{}', this.i)) this.i += 2;
      push(namedSymbols[word]);
    } else if (word in formatting) {
      this.skipSpaces();
      // `{\em text}` and `{\bf text}` switch formatting on for the rest of the group.
      const children = input[this.i] === '{' ? this.argument() : this.inlines();
      out.push({ kind: formatting[word], children });
    } else if (dimensionCommands.has(word)) {
      const dimension = /^\s*=?\s*-?(?:\d+\.?\d*|\.\d+)\s*(?:pt|em|ex|mm|cm|in|bp|sp|mu|pc|dd|cc)?/.exec(input.slice(this.i));
      if (dimension) this.i += dimension[0].length;
    } else if (droppedWithArgument.has(word)) {
      this.skipSpaces();
      if (input[this.i] === '{') this.argument();
    } else if (textInSecondArgument.has(word)) {
      this.argument();
      this.argument().forEach((child) => (typeof child === 'string' ? push(child) : out.push(child)));
    } else {
      // Other commands (\url, \textrm, \mbox, \autocap, unknown macros): their argument is the text.
      while (this.i < input.length && (input[this.i] === ' ' || input[this.i] === '\t')) this.i++;
      if (input[this.i] === '{') this.argument().forEach((child) => (typeof child === 'string' ? push(child) : out.push(child)));
    }
  }
}

function accented(argument: TexInline[], mark: string): string {
  const base = plainText(argument).replace(/ı/g, 'i').replace(/ȷ/g, 'j');
  if (!base) return mark === '\u0308' ? '¨' : '';
  // The mark goes on the first letter; NFC later composes it into a single character where one exists.
  const chars = Array.from(base);
  return chars[0] + mark + chars.slice(1).join('');
}

export function parseTex(input: string): TexInline[] {
  const reader = new TexReader(input);
  const out: TexInline[] = [];
  // A stray `}` is skipped rather than ending the text.
  while (reader.i < input.length) {
    for (const inline of reader.inlines()) out.push(inline);
    reader.i++;
  }
  return out;
}

function flatText(inlines: TexInline[]): string {
  return inlines.map((inline) => (typeof inline === 'string' ? inline : inline.kind === 'quote' ? `“${flatText(inline.children)}”` : flatText(inline.children))).join('');
}

/** Plain text: formatting dropped, non-breaking spaces as spaces. */
export function plainText(inlines: TexInline[]): string {
  return flatText(inlines).replace(/[\s\u00a0\u202f]+/g, ' ').trim().normalize('NFC');
}

/** Converts the LaTeX that bibliography exports contain to plain Unicode text. */
export function latexToUnicode(input: string): string {
  return plainText(parseTex(input));
}

// ---------------------------------------------------------------------------------------------
// Sentence case, as citeproc's withSentenceCase applies it to English titles

type CaseState = 'start' | 'startSentence' | 'afterWordEnd' | 'afterWordChar' | 'afterSentenceEnd';

const alphanumeric = /^[\p{L}\p{N}]+$/u;

/** Citeproc's test: an upper-case letter followed only by lower-case letters ("Turkey", not "EDTF" or "A31"). */
function isCapitalized(chunk: string): boolean {
  return /^\p{Lu}\p{Ll}*$/u.test(chunk);
}

class SentenceCaser {
  state: CaseState = 'start';

  /** Moves the state past `text` and returns it sentence-cased. */
  text(text: string): string {
    return (text.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]/gu) ?? []).map((chunk) => this.chunk(chunk)).join('');
  }

  /** Moves the state past protected text without changing it. */
  skip(text: string): void {
    for (const chunk of text.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]/gu) ?? []) this.advance(chunk);
  }

  private chunk(chunk: string): string {
    const state = this.state;
    this.advance(chunk);
    if (!alphanumeric.test(chunk)) return chunk;
    const atStart = state === 'start' || state === 'startSentence';
    if (isCapitalized(chunk) && !atStart) return chunk.toLowerCase();
    if (atStart && (isCapitalized(chunk) || /^\p{Ll}+$/u.test(chunk))) {
      const lower = chunk.toLowerCase();
      return lower.charAt(0).toUpperCase() + lower.slice(1);
    }
    return chunk;
  }

  private advance(chunk: string): void {
    const last = chunk.charAt(chunk.length - 1);
    if (!last) return;
    if ('.?!:'.includes(last)) this.state = 'afterSentenceEnd';
    else if (/[\p{L}\p{N}]/u.test(last)) this.state = 'afterWordChar';
    else if (/\s/.test(last) && this.state === 'afterSentenceEnd') this.state = 'startSentence';
    else if (/[\s\-/–—]/.test(last)) this.state = 'afterWordEnd';
  }
}

/** Sentence case outside braces, small capitals, superscripts and subscripts, which keep their case. */
export function sentenceCase(inlines: TexInline[], caser = new SentenceCaser()): TexInline[] {
  return inlines.map((inline) => {
    if (typeof inline === 'string') return caser.text(inline);
    if (inline.kind === 'group' || inline.kind === 'sc' || inline.kind === 'sup' || inline.kind === 'sub') {
      caser.skip(flatText(inline.children));
      return inline;
    }
    return { kind: inline.kind, children: sentenceCase(inline.children, caser) };
  });
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON rich text

const openTags: Record<Exclude<TexKind, 'group' | 'quote'>, [string, string]> = {
  i: ['<i>', '</i>'],
  b: ['<b>', '</b>'],
  sc: ['<span style="font-variant:small-caps;">', '</span>'],
  sup: ['<sup>', '</sup>'],
  sub: ['<sub>', '</sub>'],
};

/** A group that holds a word starting in lower case must keep it from a style's title case. */
function hasLowercaseWord(inlines: TexInline[]): boolean {
  return flatText(inlines)
    .split(/[\s\p{P}]+/u)
    .some((word) => /^\p{Ll}/u.test(word));
}

/**
 * CSL-JSON rich text. With `protect`, a braced group that holds a lower-case word becomes a nocase
 * span, as pandoc writes titles; other braces only group.
 */
export function cslRichText(inlines: TexInline[], protect: boolean): string {
  const render = (items: TexInline[]): string =>
    items
      .map((inline) => {
        if (typeof inline === 'string') return inline;
        if (inline.kind === 'group') {
          const inner = render(inline.children);
          return protect && hasLowercaseWord(inline.children) ? `<span class="nocase">${inner}</span>` : inner;
        }
        if (inline.kind === 'quote') return `“${render(inline.children)}”`;
        const [open, close] = openTags[inline.kind];
        return `${open}${render(inline.children)}${close}`;
      })
      .join('');
  return render(inlines).replace(/[ \t\r\n]+/g, ' ').trim().normalize('NFC');
}
