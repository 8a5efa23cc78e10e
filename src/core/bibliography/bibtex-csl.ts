import { cslRichText, latexToUnicode, parseTex, plainText, sentenceCase, type TexInline } from './latex-text';

/**
 * A BibTeX/biblatex entry as a CSL item, read the way pandoc's biblatex reader reads it
 * (pandoc's src/Text/Pandoc/Citeproc/BibTeX.hs): entry types, names with particles and suffixes,
 * EDTF dates and seasons, titles in sentence case, and fields inherited through `crossref`.
 * Where pandoc 2.17 has a known bug, this does better; the differential suite lists those places.
 */

export interface CslName {
  family?: string;
  given?: string;
  literal?: string;
  'non-dropping-particle'?: string;
  'dropping-particle'?: string;
  suffix?: string;
}

export interface CslDate {
  'date-parts'?: number[][];
  circa?: boolean;
  literal?: string;
}

export interface CslItem {
  id: string;
  type: string;
  title?: string;
  author?: CslName[];
  publisher?: string;
  issued?: CslDate;
  language?: string;
  URL?: string;
  /** Not CSL: kept as a plain string so citeproc treats it as an ordinary text variable and ignores it. */
  'derived-from'?: string;
  [variable: string]: unknown;
}

/** An entry as the reader found it: lower-case field names, raw values (macros expanded). */
interface RawFields {
  type: string;
  key: string;
  fields: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Splits on " and " outside braces. */
function splitOnAnd(raw: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\s/.test(c)) {
      const m = /\s+and\s+/iy;
      m.lastIndex = i;
      const found = m.exec(raw);
      if (found) {
        parts.push(raw.slice(last, i));
        i += found[0].length - 1;
        last = i + 1;
      }
    }
  }
  parts.push(raw.slice(last));
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** Splits inlines at top-level occurrences of a separator character. */
function splitInlines(inlines: TexInline[], separator: RegExp): TexInline[][] {
  const parts: TexInline[][] = [[]];
  for (const inline of inlines) {
    if (typeof inline !== 'string') {
      parts[parts.length - 1].push(inline);
      continue;
    }
    const pieces = inline.split(separator);
    pieces.forEach((piece, index) => {
      if (index > 0) parts.push([]);
      if (piece) parts[parts.length - 1].push(piece);
    });
  }
  return parts.filter((part) => part.length > 0);
}

/** Pandoc's test for a name word: its first letter is upper case; braces are skipped over, so `{da Gama}` counts. */
function wordIsCapitalized(word: TexInline[]): boolean {
  for (const inline of word) {
    if (typeof inline !== 'string') continue;
    for (const char of inline) {
      if (/\p{Lu}/u.test(char)) return true;
      if (!/\p{N}/u.test(char)) return false;
    }
  }
  return true;
}

const joinWords = (words: TexInline[][]): string => words.map(plainText).join(' ');

/**
 * One BibTeX name: "First von Last", "von Last, First", "von Last, Jr, First", a braced corporate
 * name, biblatex's extended format (`family=Heuvel, given=Charles, prefix=van den, useprefix=false`),
 * or "others", which stands for "et al.".
 */
export function parseName(raw: string, useprefix: boolean): CslName | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  // "others" (and the "et al." some exports write) stands for the names left out.
  if (text === 'others' || /^et\.? al\.?$/i.test(text)) return { literal: 'others' };
  const inlines = parseTex(text);
  if (inlines.length === 1 && typeof inlines[0] !== 'string' && inlines[0].kind === 'group') return { literal: plainText(inlines) };
  if (/^[a-z-]+\s*=/i.test(text)) return extendedName(text, useprefix);

  const commaParts = splitInlines(inlines, /,/).map((part) => splitInlines(part, /[\s\u00a0]+/));
  let first: TexInline[][] = [];
  let vonLast: TexInline[][] = [];
  let jr: TexInline[][] = [];
  if (commaParts.length === 1) {
    // First is the longest run of capitalized words that is not the whole name.
    const words = commaParts[0];
    let split = 0;
    while (split < words.length && wordIsCapitalized(words[split])) split++;
    if (split === words.length && split > 0) split--;
    first = words.slice(0, split);
    vonLast = words.slice(split);
  } else if (commaParts.length === 2) {
    [vonLast, first] = commaParts;
  } else if (commaParts.length > 2) {
    [vonLast, jr, first] = commaParts;
  }
  let lastStart = vonLast.findIndex(wordIsCapitalized);
  if (lastStart === -1) lastStart = Math.max(0, vonLast.length - 1);
  const particle = joinWords(vonLast.slice(0, lastStart));
  const name: CslName = {};
  const family = joinWords(vonLast.slice(lastStart));
  const given = joinWords(first);
  const suffix = joinWords(jr);
  if (family) name.family = family;
  if (given) name.given = given;
  if (particle) name[useprefix ? 'non-dropping-particle' : 'dropping-particle'] = particle;
  if (suffix) name.suffix = suffix;
  return Object.keys(name).length ? name : undefined;
}

const isParticleWord = (word: string): boolean => /^[\p{Ll}'’\-–.]+$/u.test(word);

/**
 * citeproc splits lower-case words off the front of a family name it reads from CSL-JSON ("da Gama"
 * becomes the particle "da" and "Gama", which Chicago then sorts and prints as "Gama, Vasco da"), while
 * pandoc reads the `.bib` name whole ("da Gama, Vasco"). Quotes keep the name whole, so the report renders
 * the same from `citewise bib` as from the `.bib`.
 */
function keepFamilyWhole(name: CslName): CslName {
  const family = name.family;
  if (!family || name['non-dropping-particle']) return name;
  const words = family.split(/\s+/);
  const pieces = family.split(/['’\-–.]/);
  const split = words.length > 1 ? isParticleWord(words[0]) : pieces.length === 2 && pieces[0] !== '' && isParticleWord(pieces[0]);
  return split ? { ...name, family: `"${family}"` } : name;
}

function extendedName(text: string, useprefixOption: boolean): CslName | undefined {
  const parts: Record<string, string> = {};
  for (const part of splitOutsideBraces(text, ',')) {
    const match = /^\s*([a-z-]+)\s*=\s*([\s\S]*)$/i.exec(part);
    if (match) parts[match[1].toLowerCase()] = match[2].trim();
  }
  const name: CslName = {};
  if (parts.family) name.family = plainText(parseTex(parts.family));
  if (parts.given) name.given = plainText(parseTex(parts.given));
  if (parts.suffix) name.suffix = plainText(parseTex(parts.suffix));
  if (parts.prefix) {
    const useprefix = parts.useprefix !== undefined ? parts.useprefix.toLowerCase() === 'true' : useprefixOption;
    name[useprefix ? 'non-dropping-particle' : 'dropping-particle'] = plainText(parseTex(parts.prefix));
  }
  return Object.keys(name).length ? name : undefined;
}

function splitOutsideBraces(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      parts.push(text.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(text.slice(last));
  return parts;
}

/** A name as one string for source metadata: "van den Heuvel, Jr., Charles". */
export function nameToString(name: CslName): string | undefined {
  if (name.literal) return name.literal;
  const family = [name['non-dropping-particle'], name.family].filter(Boolean).join(' ');
  const given = [name.given, name['dropping-particle']].filter(Boolean).join(' ');
  if (family && given) return name.suffix ? `${family}, ${name.suffix}, ${given}` : `${family}, ${given}`;
  return family || given || undefined;
}

// ---------------------------------------------------------------------------------------------
// Dates

/** EDTF years count a year 0, CSL's do not: EDTF -0876 is 877 BCE, CSL -877. */
function cslYear(year: number): number {
  // pandoc leaves year 0 as it is.
  return year < 0 ? year - 1 : year;
}

/** One EDTF date (`2017`, `2017-21` for spring, `2011-05~`, `199u`, `-0876`, `y-51234`) as one or two date-parts. */
function edtfPart(raw: string): { parts: number[][]; circa: boolean } | undefined {
  const circa = /[~?%]/.test(raw);
  const value = raw.replace(/[~?%]/g, '').trim();
  const match = /^y?(-?)(\d*)(u*)(?:-(\d{2}|uu|XX))?(?:-(\d{2}|uu|XX))?(?:T[\d:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(value);
  if (!match || !(match[2] + match[3]) || (match[2] + match[3]).length < (match[1] ? 1 : 3)) return undefined;
  const sign = match[1] ? -1 : 1;
  if (match[3]) {
    // "19uu" is the years 1900 to 1999.
    const from = Number(match[2] + '0'.repeat(match[3].length)) * sign;
    const to = Number(match[2] + '9'.repeat(match[3].length)) * sign;
    return { parts: [[cslYear(from)], [cslYear(to)]], circa };
  }
  const year = cslYear(Number(match[2]) * sign);
  const month = match[4] && /^\d+$/.test(match[4]) ? Number(match[4]) : undefined;
  const day = month !== undefined && match[5] && /^\d+$/.test(match[5]) ? Number(match[5]) : undefined;
  // Months 21-24 are seasons (Better BibLaTeX writes spring 2017 as 2017-21), which CSL keeps as they are;
  // a month that is neither leaves the year, as pandoc reads it.
  if (month !== undefined && (month < 1 || (month > 12 && (month < 21 || month > 24)))) return { parts: [[year]], circa };
  if (day !== undefined && (day < 1 || day > 31)) return { parts: [[year, month!]], circa };
  return { parts: [day !== undefined ? [year, month!, day] : month !== undefined ? [year, month] : [year]], circa };
}

/**
 * A biblatex `date` field: one EDTF date, or a range `from/to`. An open end (`..`, `unknown`, empty) is
 * CSL's `[0]` after a start, and left out before an end.
 */
export function edtfDate(raw: string): CslDate | undefined {
  const value = raw.trim();
  const ends = value.split('/');
  if (ends.length > 2) return undefined;
  const read = ends.map((end) => (/^(?:\.\.|unknown|)$/i.test(end.trim()) ? null : edtfPart(end)));
  if (read.some((end) => end === undefined)) return undefined;
  const known = read.filter((end): end is { parts: number[][]; circa: boolean } => end !== null);
  if (known.length === 0) return undefined;
  const openEnd = ends.length === 2 && read[0] !== null && read[1] === null;
  const dateParts = known.length === 2 ? [known[0].parts[0], known[1].parts[known[1].parts.length - 1]] : openEnd ? [known[0].parts[0], [0]] : known[0].parts;
  const date: CslDate = { 'date-parts': dateParts };
  if (known.some((end) => end.circa)) date.circa = true;
  return date;
}

export const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A month as exports write it: a number or an English name; a range ("jan--feb") stands for its first month, and a season names none. */
function parseMonth(value: string): number | undefined {
  const first = value.trim().toLowerCase().split(/\s*(?:-{1,3}|–|—|\/)\s*/)[0].replace(/\.$/, '');
  if (/^\d{1,2}$/.test(first)) {
    const n = Number(first);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  if (first.length < 3) return undefined;
  const index = monthNames.findIndex((name) => name.startsWith(first) || (first === 'sept' && name === 'september'));
  return index >= 0 ? index + 1 : undefined;
}

/** `year`, `month` and `day` (with an optional prefix: `urlyear`, `eventyear`, `origyear`). */
function oldStyleDate(fields: Map<string, string>, prefix: string): CslDate | undefined {
  const yearRaw = fields.get(`${prefix}year`);
  if (yearRaw === undefined) return undefined;
  const yearText = latexToUnicode(yearRaw).replace(/^[–—]/, '-');
  if (!/^-?\d+$/.test(yearText)) return yearText ? { literal: yearText } : undefined;
  const parts = [Number(yearText)];
  const month = fields.get(`${prefix}month`);
  const monthValue = month === undefined ? undefined : parseMonth(latexToUnicode(month));
  if (monthValue !== undefined) {
    parts.push(monthValue);
    const day = fields.get(`${prefix}day`);
    const dayText = day === undefined ? '' : latexToUnicode(day);
    if (/^\d{1,2}$/.test(dayText)) parts.push(Number(dayText));
  }
  return { 'date-parts': [parts] };
}

// ---------------------------------------------------------------------------------------------
// Types, languages and biblatex's localisation keys

const cslTypeOfEntry: Record<string, string> = {
  book: 'book', booklet: 'pamphlet', bookinbook: 'book', collection: 'book', dataset: 'dataset', electronic: 'webpage',
  inbook: 'chapter', incollection: 'chapter', inreference: 'entry-encyclopedia', inproceedings: 'paper-conference',
  manual: 'book', mastersthesis: 'thesis', misc: '', mvbook: 'book', mvcollection: 'book', mvproceedings: 'book',
  mvreference: 'book', online: 'webpage', patent: 'patent', phdthesis: 'thesis', proceedings: 'book', reference: 'book',
  report: 'report', software: 'software', suppbook: 'chapter', suppcollection: 'chapter', techreport: 'report',
  thesis: 'thesis', www: 'webpage', artwork: 'graphic', audio: 'song', commentary: 'book', image: 'graphic',
  jurisdiction: 'legal_case', legislation: 'legislation', legal: 'treaty', letter: 'personal_communication',
  movie: 'motion_picture', music: 'song', performance: 'speech', review: 'review', standard: 'legislation',
  video: 'motion_picture', data: 'dataset', letters: 'personal_communication', newsarticle: 'article-newspaper',
};

/** The CSL type pandoc gives a biblatex entry type; "" (no type) for @misc and unknown types, as pandoc. */
function cslType(entryType: string, entrysubtype: string, isEvent: boolean): string {
  if (entryType === 'article' || entryType === 'periodical' || entryType === 'suppperiodical') {
    if (entrysubtype === 'magazine') return 'article-magazine';
    if (entrysubtype === 'newspaper') return 'article-newspaper';
    return 'article-journal';
  }
  if (entryType === 'unpublished') return isEvent ? 'speech' : 'manuscript';
  return cslTypeOfEntry[entryType] ?? '';
}

/** biblatex's localisation keys that turn up in `type` and `series`, in English. */
const biblatexStrings: Record<string, string> = {
  mathesis: 'Master’s thesis', phdthesis: 'PhD thesis', candthesis: 'Candidate thesis', techreport: 'technical report',
  resreport: 'research report', software: 'computer software', datacd: 'data CD', audiocd: 'audio CD',
  patent: 'patent', patentus: 'U.S. patent', newseries: 'new series', oldseries: 'old series',
};

/** The language tags pandoc gives biblatex's language names (pandoc's toIETF). */
const ietfTags: Record<string, string> = {
  english: 'en-US', usenglish: 'en-US', american: 'en-US', british: 'en-GB', ukenglish: 'en-GB', canadian: 'en-US',
  australian: 'en-GB', newzealand: 'en-GB', afrikaans: 'af-ZA', arabic: 'ar', basque: 'eu', bulgarian: 'bg-BG',
  catalan: 'ca-AD', croatian: 'hr-HR', czech: 'cs-CZ', danish: 'da-DK', dutch: 'nl-NL', estonian: 'et-EE',
  finnish: 'fi-FI', canadien: 'fr-CA', acadian: 'fr-CA', french: 'fr-FR', francais: 'fr-FR', austrian: 'de-AT',
  naustrian: 'de-AT', german: 'de-DE', germanb: 'de-DE', ngerman: 'de-DE', greek: 'el-GR', polutonikogreek: 'el-GR',
  polytonicgreek: 'el-GR', hebrew: 'he-IL', hungarian: 'hu-HU', icelandic: 'is-IS', italian: 'it-IT',
  japanese: 'ja-JP', latvian: 'lv-LV', lithuanian: 'lt-LT', magyar: 'hu-HU', mongolian: 'mn-MN', norsk: 'nb-NO',
  nynorsk: 'nn-NO', farsi: 'fa-IR', polish: 'pl-PL', brazil: 'pt-BR', brazilian: 'pt-BR', portugues: 'pt-PT',
  portuguese: 'pt-PT', romanian: 'ro-RO', russian: 'ru-RU', serbian: 'sr-RS', serbianc: 'sr-RS', slovak: 'sk-SK',
  slovene: 'sl-SL', spanish: 'es-ES', swedish: 'sv-SE', thai: 'th-TH', turkish: 'tr-TR', ukrainian: 'uk-UA',
  vietnamese: 'vi-VN', latin: 'la',
};

const englishVariants: Record<string, string> = {
  'variant=british': 'british', 'variant=uk': 'british', 'variant=american': 'american', 'variant=us': 'american',
  'variant=usmax': 'american', 'variant=australian': 'australian', 'variant=newzealand': 'newzealand',
};

// ---------------------------------------------------------------------------------------------
// crossref and xdata

const ignoredWhenInherited = new Set([
  'ids', 'crossref', 'xref', 'entryset', 'entrysubtype', 'execute', 'label', 'options', 'presort', 'related',
  'relatedoptions', 'relatedstring', 'relatedtype', 'shorthand', 'shorthandintro', 'sortkey',
]);

function renamed(field: string, names: Record<string, string>): string[] {
  if (field in names) return [names[field]];
  if (['shorttitle', 'sorttitle', 'indextitle', 'indexsorttitle'].includes(field)) return [];
  return [field];
}

const mainTitles = { title: 'maintitle', subtitle: 'mainsubtitle', titleaddon: 'maintitleaddon' };
const bookTitles = { title: 'booktitle', subtitle: 'booksubtitle', titleaddon: 'booktitleaddon' };

/** Which field of the child a parent's field fills, by biblatex's inheritance rules (Appendix C of its manual). */
function inheritedAs(parentType: string, childType: string, field: string): string[] {
  if (ignoredWhenInherited.has(field)) return [];
  if (field === 'author' && ['mvbook', 'book'].includes(parentType) && ['inbook', 'bookinbook', 'suppbook'].includes(childType)) return ['bookauthor', 'author'];
  if (field === 'author' && parentType === 'mvbook' && childType === 'book') return ['bookauthor', 'author'];
  if (parentType === 'mvbook' && ['book', 'inbook', 'bookinbook', 'suppbook'].includes(childType)) return renamed(field, mainTitles);
  if (['mvcollection', 'mvreference'].includes(parentType) && ['collection', 'reference', 'incollection', 'inreference', 'suppcollection'].includes(childType)) {
    return renamed(field, mainTitles);
  }
  if (parentType === 'mvproceedings' && ['proceedings', 'inproceedings'].includes(childType)) return renamed(field, mainTitles);
  if (parentType === 'book' && ['inbook', 'bookinbook', 'suppbook'].includes(childType)) return renamed(field, bookTitles);
  if (['collection', 'reference'].includes(parentType) && ['incollection', 'inreference', 'suppcollection'].includes(childType)) return renamed(field, bookTitles);
  if (parentType === 'proceedings' && childType === 'inproceedings') return renamed(field, bookTitles);
  if (parentType === 'periodical' && ['article', 'suppperiodical'].includes(childType)) {
    return renamed(field, { title: 'journaltitle', subtitle: 'journalsubtitle', shorttitle: '' }).filter(Boolean);
  }
  return [field];
}

const splitKeyList = (raw: string): string[] => raw.split(',').map((key) => key.trim()).filter(Boolean);

/**
 * Fills each entry's missing fields from the entries its `crossref` and `xdata` name, as pandoc does.
 * `xref` only relates two entries; biblatex, and so pandoc, inherit nothing through it.
 * Returns the keys an entry names that are not in the file, for the caller to report.
 */
export function resolveCrossReferences(entries: RawFields[]): Map<RawFields, string[]> {
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const missing = new Map<RawFields, string[]>();
  const inherited = (child: RawFields, keys: string, seen: Set<string>): [string, string][] => {
    const out: [string, string][] = [];
    for (const key of splitKeyList(keys)) {
      const parent = byKey.get(key);
      if (!parent) {
        if (seen.size === 1) missing.set(child, [...(missing.get(child) ?? []), key]);
        continue;
      }
      // A cycle, or a chain longer than any real collection of collections, inherits no further.
      if (seen.has(key) || seen.size > 8) continue;
      for (const [field, value] of parent.fields) {
        if (field === 'crossref' || field === 'xdata') {
          for (const [inheritedField, inheritedValue] of inherited(child, value, new Set([...seen, key]))) {
            if (!parent.fields.has(inheritedField)) out.push([inheritedField, inheritedValue]);
          }
        } else {
          for (const target of inheritedAs(parent.type, child.type, field)) {
            if (!child.fields.has(target)) out.push([target, value]);
          }
        }
      }
    }
    return out;
  };
  const additions = entries.map((entry) => {
    const fields: [string, string][] = [];
    for (const link of ['crossref', 'xdata']) {
      const keys = entry.fields.get(link);
      if (keys !== undefined) fields.push(...inherited(entry, keys, new Set([entry.key])));
    }
    return fields;
  });
  entries.forEach((entry, index) => {
    for (const [field, value] of additions[index]) if (!entry.fields.has(field)) entry.fields.set(field, value);
  });
  return missing;
}

// ---------------------------------------------------------------------------------------------
// The CSL item

/** pandoc's concatWith: joins parts with `sep` and a space, or just a space after a part that ends in punctuation. */
function concatWith(sep: string, parts: (string | undefined)[]): string | undefined {
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    if (!out) out = part;
    else if (/[!?.,:;]$/.test(out.replace(/<[^>]*>$/, ''))) out += ` ${part}`;
    else out += `${sep} ${part}`;
  }
  return out || undefined;
}

function parseOptions(raw: string | undefined): Map<string, string> {
  const options = new Map<string, string>();
  for (const option of (raw ?? '').split(',')) {
    const [name, value = ''] = option.split('=');
    if (name.trim()) options.set(name.trim().toLowerCase(), value.trim().toLowerCase());
  }
  return options;
}

/** URLs, DOIs and keys are written verbatim, apart from escapes for TeX's special characters and protecting braces. */
export function plainValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.replace(/\\([&%$_#~{}])/g, '$1').replace(/[{}]/g, '').trim();
  return value || undefined;
}

interface BibtexCsl {
  item: CslItem;
  /** The entry's title and subtitle in their own case, for source metadata. */
  plainTitle?: string;
}

/** The CSL item pandoc would make of one entry (after crossref resolution). */
export function bibtexToCsl(entry: RawFields): BibtexCsl {
  const fields = entry.fields;
  const et = entry.type;
  const has = (name: string): boolean => fields.has(name);
  // Several variables draw on one field (the title is also the short title and, under a main title, the volume title).
  const parsed = new Map<string, TexInline[] | undefined>();
  const tex = (name: string): TexInline[] | undefined => {
    if (!parsed.has(name)) {
      const value = fields.get(name);
      parsed.set(name, value === undefined ? undefined : parseTex(value));
    }
    return parsed.get(name);
  };
  const fancy = (name: string): string | undefined => {
    const inlines = tex(name);
    return inlines && (cslRichText(inlines, false) || undefined);
  };
  const plainOf = (name: string): string | undefined => {
    const inlines = tex(name);
    return inlines && (plainText(inlines) || undefined);
  };

  const langid = (plainOf('langid') ?? '').toLowerCase();
  const variant = englishVariants[(plainOf('langidopts') ?? '').toLowerCase().replace(/\s+/g, '')];
  const languageName = langid ? (langid === 'english' && variant ? variant : langid) : (plainOf('hyphenation') ?? '').toLowerCase();
  const language = languageName ? (ietfTags[languageName] ?? languageName) : undefined;
  // pandoc turns English titles into sentence case, which the style's title case then undoes.
  const untitlecase = language === undefined || language === 'en' || language.startsWith('en-');
  const titles = new Map<string, string | undefined>();
  const title = (name: string): string | undefined => {
    if (!titles.has(name)) {
      const inlines = tex(name);
      titles.set(name, inlines && (cslRichText(untitlecase ? sentenceCase(inlines) : inlines, untitlecase) || undefined));
    }
    return titles.get(name);
  };
  const periodicalTitle = (name: string): string | undefined => {
    const inlines = tex(name);
    return inlines && (cslRichText(inlines, true) || undefined);
  };
  const first = <T>(...values: (() => T | undefined)[]): T | undefined => {
    for (const value of values) {
      const found = value();
      if (found !== undefined) return found;
    }
    return undefined;
  };

  const options = parseOptions(fields.get('options'));
  const useprefix = options.has('useprefix') && ['true', ''].includes(options.get('useprefix')!);
  const names = (name: string): CslName[] | undefined => {
    const value = fields.get(name);
    if (value === undefined) return undefined;
    const list = splitOnAnd(value)
      .map((part) => parseName(part, useprefix))
      .filter((found): found is CslName => found !== undefined)
      .map(keepFamilyWhole);
    return list.length ? list : undefined;
  };

  const isArticle = ['article', 'periodical', 'suppperiodical', 'review'].includes(et);
  const isPeriodical = et === 'periodical';
  const isChapterlike = ['inbook', 'incollection', 'inproceedings', 'inreference', 'bookinbook'].includes(et);
  const hasMaintitle = has('maintitle');
  const mainNotChapter = hasMaintitle && !isChapterlike;
  const mainChapter = hasMaintitle && isChapterlike;

  const item: CslItem = { id: entry.key, type: '' };
  const set = (variable: string, value: unknown): void => {
    if (value !== undefined && value !== '') item[variable] = value;
  };

  const entrysubtype = plainOf('entrysubtype') ?? '';
  const isEvent = has('eventdate') || has('eventtitle') || has('venue');
  item.type = cslType(et, entrysubtype, isEvent);
  const typeField = plainOf('type');
  const localisedType = typeField ? (biblatexStrings[typeField] ?? typeField) : undefined;
  set('genre', et === 'mastersthesis' ? (localisedType ?? biblatexStrings.mathesis) : et === 'phdthesis' ? (localisedType ?? biblatexStrings.phdthesis) : localisedType);
  set('language', language);

  set('accessed', edtfField('urldate') ?? oldStyleDate(fields, 'url'));
  set('event-date', edtfField('eventdate') ?? oldStyleDate(fields, 'event'));
  set('issued', edtfField('date') ?? oldStyleDate(fields, ''));
  set('original-date', edtfField('origdate') ?? oldStyleDate(fields, 'orig'));
  function edtfField(name: string): CslDate | undefined {
    const value = fields.get(name);
    if (value === undefined) return undefined;
    return edtfDate(value.replace(/[{}]/g, '')) ?? { literal: plainText(parseTex(value)) };
  }

  set('author', names('author'));
  const editorType = (plainOf('editortype') ?? '').toLowerCase();
  set(editorType === 'director' ? 'director' : 'editor', names('editor'));
  if (editorType !== 'director') set('director', names('director'));
  set('translator', names('translator'));
  set('container-author', names('bookauthor'));

  const pages = fancy('pages');
  set('page', pages?.replace(/–/g, '-'));
  set('number-of-pages', fancy('pagetotal'));
  const volume = fancy('volume');
  const part = fancy('part');
  set('volume', volume && part ? `${volume}.${part}` : (volume ?? part));
  set('number-of-volumes', fancy('volumes'));
  set('chapter-number', fancy('chapter'));
  set('edition', fancy('edition'));
  set('version', fancy('version'));
  const number = fancy('number');
  if (number !== undefined) {
    const inBookLike = ['book', 'collection', 'proceedings', 'reference', 'mvbook', 'mvcollection', 'mvproceedings', 'mvreference', 'bookinbook', 'inbook', 'incollection', 'inproceedings', 'inreference', 'suppbook', 'suppcollection'];
    if (inBookLike.includes(et)) set('collection-number', number);
    else if (isArticle) set('issue', concatWith(',', [number, fancy('issue')]));
    else set('number', number);
  }

  const mainTitle = first(
    () => (isPeriodical ? title('issuetitle') : undefined),
    () => (mainNotChapter ? title('maintitle') : undefined),
    () => title('title'),
  );
  const subtitle = isPeriodical && has('issuesubtitle') ? title('issuesubtitle') : mainNotChapter ? title('mainsubtitle') : title('subtitle');
  const titleaddon = mainNotChapter ? title('maintitleaddon') : title('titleaddon');
  if (mainTitle) set('title', concatWith('.', [concatWith(':', [mainTitle, subtitle]), titleaddon]));
  const volumeTitle = mainNotChapter ? title('title') : mainChapter ? title('booktitle') : undefined;
  if (volumeTitle) {
    const volumeSubtitle = mainNotChapter ? title('subtitle') : title('booksubtitle');
    const volumeAddon = mainNotChapter ? title('titleaddon') : title('booktitleaddon');
    set('volume-title', concatWith('.', [concatWith(':', [volumeTitle, volumeSubtitle]), volumeAddon]));
  }
  const containerTitle = first(
    () => (isPeriodical ? periodicalTitle('title') : undefined),
    () => (isChapterlike ? title('maintitle') : undefined),
    () => (isChapterlike ? title('booktitle') : undefined),
    () => periodicalTitle('journaltitle'),
    () => periodicalTitle('journal'),
  );
  if (containerTitle) {
    const containerSubtitle = first(
      () => (isPeriodical ? periodicalTitle('subtitle') : undefined),
      () => (isChapterlike ? title('mainsubtitle') : undefined),
      () => (isChapterlike ? title('booksubtitle') : undefined),
      () => periodicalTitle('journalsubtitle'),
    );
    const containerAddon = first(
      () => (isPeriodical ? periodicalTitle('titleaddon') : undefined),
      () => (isChapterlike ? title('maintitleaddon') : undefined),
      () => (isChapterlike ? title('booktitleaddon') : undefined),
    );
    set('container-title', concatWith('.', [concatWith(':', [containerTitle, containerSubtitle]), containerAddon]));
  }
  set('container-title-short', isPeriodical && !hasMaintitle ? fancy('shorttitle') : periodicalTitle('shortjournal'));
  const series = fields.get('series');
  if (series !== undefined) {
    const seriesText = plainText(parseTex(series));
    set('collection-title', biblatexStrings[seriesText] ?? title('series'));
  }
  const ownTitle = title('title');
  const shortTitle =
    (!hasMaintitle || isChapterlike ? title('shorttitle') : undefined) ??
    (ownTitle && (subtitle || titleaddon) && !hasMaintitle ? ownTitle.split(':')[0] : ownTitle?.includes(':') ? ownTitle.split(':')[0] : undefined);
  set('title-short', shortTitle?.trim());
  set('event', title('eventtitle'));
  set('original-title', title('origtitle'));

  const literalList = (name: string): string | undefined => {
    const value = fields.get(name);
    if (value === undefined) return undefined;
    return splitOnAnd(value)
      .map((part) => cslRichText(parseTex(part), false))
      .filter(Boolean)
      .join('; ') || undefined;
  };
  set('publisher', concatWith(';', ['school', 'institution', 'organization', 'howpublished', 'publisher'].map((name) => (name === 'howpublished' ? fancy(name) : literalList(name)))));
  set('original-publisher', fancy('origpublisher'));
  set('event-place', fancy('venue'));
  set('publisher-place', literalList('address') ?? (et !== 'patent' ? literalList('location') : undefined));
  set('original-publisher-place', literalList('origlocation'));
  if (item.type === 'patent') set('jurisdiction', literalList('location'));

  const url = fields.get('url');
  if (url !== undefined && (et === 'online' || options.get('url') !== 'false')) set('URL', plainValue(url));
  else {
    const eprinttype = (fields.get('eprinttype') ?? fields.get('archiveprefix') ?? '').trim().toLowerCase();
    const eprint = fields.get('eprint');
    const base = { arxiv: 'https://arxiv.org/abs/', jstor: 'https://www.jstor.org/stable/', pubmed: 'https://www.ncbi.nlm.nih.gov/pubmed/', googlebooks: 'https://books.google.com?id=' }[eprinttype];
    if (base && eprint !== undefined) set('URL', base + plainValue(eprint));
  }
  if (options.get('doi') !== 'false' && has('doi')) set('DOI', plainValue(fields.get('doi')!));
  for (const [field, variable] of [['isbn', 'ISBN'], ['issn', 'ISSN'], ['pmid', 'PMID'], ['pmcid', 'PMCID']] as const) {
    if (has(field)) set(variable, plainValue(fields.get(field)!));
  }
  set('note', concatWith('.', [et === 'periodical' ? undefined : fancy('note'), fancy('addendum')]));
  set('status', fancy('pubstate'));

  // Metadata keeps the title as written, with its subtitle, in its own case.
  const plainTitle = concatWith(':', [plainOf('title'), plainOf('subtitle')]);
  return { item, plainTitle };
}
