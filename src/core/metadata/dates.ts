/**
 * Calendar dates as Citewise handles them: ISO partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) in
 * metadata, and the many ways English and Albanian documents write dates in running text.
 */

/** A date that may be known only to the year or month; `month` is 1-12. */
export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
}

/** The year range accepted in free text; outside it a four-digit number is far more likely a count than a year. */
const MIN_TEXT_YEAR = 1900;
const MAX_TEXT_YEAR = 2099;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when the parts name a real calendar day (or month, or year). */
function isValidPartialDate(date: PartialDate): boolean {
  const { year, month, day } = date;
  if (!Number.isInteger(year) || year < 0 || year > 9999) {
    return false;
  }
  if (month === undefined) {
    return day === undefined;
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return false;
  }
  if (day === undefined) {
    return true;
  }
  return Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month);
}

const isoPattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function parseIsoDate(value: string): PartialDate | undefined {
  const match = isoPattern.exec(value);
  if (!match) {
    return undefined;
  }
  const date: PartialDate = { year: Number(match[1]) };
  if (match[2] !== undefined) {
    date.month = Number(match[2]);
  }
  if (match[3] !== undefined) {
    date.day = Number(match[3]);
  }
  return isValidPartialDate(date) ? date : undefined;
}

export function isValidIsoDate(value: string): boolean {
  return parseIsoDate(value) !== undefined;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

export function formatIsoDate(date: PartialDate): string {
  let text = pad(date.year, 4);
  if (date.month !== undefined) {
    text += `-${pad(date.month, 2)}`;
    if (date.day !== undefined) {
      text += `-${pad(date.day, 2)}`;
    }
  }
  return text;
}

/**
 * A partial date stands for a range: '2022-09' -> { start: '2022-09-01', end: '2022-09-30' }; '2022' -> whole year.
 * Throws a RangeError for anything that is not a valid ISO date, because a silently wrong range would
 * let a quote pass a time-frame check it should fail.
 */
export function isoDateRange(value: string): { start: string; end: string } {
  const date = parseIsoDate(value);
  if (!date) {
    throw new RangeError(`not a valid ISO date: ${JSON.stringify(value)}`);
  }
  const { year, month, day } = date;
  if (month === undefined) {
    return { start: formatIsoDate({ year, month: 1, day: 1 }), end: formatIsoDate({ year, month: 12, day: 31 }) };
  }
  if (day === undefined) {
    return {
      start: formatIsoDate({ year, month, day: 1 }),
      end: formatIsoDate({ year, month, day: daysInMonth(year, month) }),
    };
  }
  const iso = formatIsoDate(date);
  return { start: iso, end: iso };
}

// Month names in English, Albanian and the languages of the web pages users save (German, French, Spanish,
// Catalan, Italian, Portuguese, Dutch, the Nordic languages, Polish, Czech, Slovak, the languages of the
// Western Balkans (Croatian, Serbian, Bosnian, Macedonian) and Bulgarian, Russian, Ukrainian, Greek,
// Romanian, Hungarian, Finnish, Turkish, Indonesian, Hebrew (also with its prefix ב, 'in'), Arabic with its
// Levantine names), in the forms dates use (Slavic, Greek and Finnish dates write the genitive), and the
// abbreviations French and Spanish news print ('avr.', 'dic.') where they are no English word.
const monthNames: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, [
    'january', 'jan', 'janar', 'januar', 'jänner', 'janvier', 'enero', 'gennaio', 'janeiro', 'januari', 'stycznia',
    'styczeń', 'ledna', 'leden', 'января', 'январь', 'січня', 'ιανουαρίου', 'ianuarie', 'január', 'tammikuuta',
    'ocak', 'ינואר', 'בינואר', 'يناير', 'كانون الثاني', 'janv', 'ene', 'gener', 'siječnja', 'januára', 'януари',
    'јануар', 'јануари'
  ]],
  [2, [
    'february', 'feb', 'shkurt', 'februar', 'février', 'fevrier', 'febrero', 'febbraio', 'fevereiro', 'februari',
    'lutego', 'luty', 'února', 'únor', 'февраля', 'февраль', 'лютого', 'φεβρουαρίου', 'februarie', 'február',
    'helmikuuta', 'şubat', 'פברואר', 'בפברואר', 'فبراير', 'شباط', 'févr', 'fevr', 'febrer', 'veljače', 'februára',
    'февруари', 'фебруар'
  ]],
  [3, [
    'march', 'mar', 'mars', 'märz', 'maerz', 'marzo', 'março', 'marco', 'maart', 'marts', 'marca', 'marzec',
    'března', 'březen', 'марта', 'март', 'березня', 'μαρτίου', 'martie', 'március', 'maaliskuuta', 'mart', 'maret',
    'מרץ', 'במרץ', 'مارس', 'آذار', 'març', 'ožujka'
  ]],
  [4, [
    'april', 'apr', 'prill', 'avril', 'abril', 'aprile', 'kwietnia', 'kwiecień', 'dubna', 'duben', 'апреля',
    'апрель', 'квітня', 'απριλίου', 'aprilie', 'április', 'huhtikuuta', 'nisan', 'אפריל', 'באפריל', 'أبريل', 'ابريل',
    'إبريل', 'نيسان', 'avr', 'abr', 'travnja', 'apríla', 'април'
  ]],
  [5, [
    'may', 'maj', 'mai', 'mayo', 'maggio', 'maio', 'mei', 'maja', 'května', 'květen', 'мая', 'май', 'травня',
    'μαΐου', 'május', 'toukokuuta', 'mayıs', 'מאי', 'במאי', 'مايو', 'أيار', 'ايار', 'maig', 'svibnja', 'mája', 'мај'
  ]],
  [6, [
    'june', 'jun', 'qershor', 'juni', 'juin', 'junio', 'giugno', 'junho', 'czerwca', 'czerwiec', 'června', 'červen',
    'июня', 'июнь', 'червня', 'ιουνίου', 'iunie', 'június', 'kesäkuuta', 'haziran', 'יוני', 'ביוני', 'يونيو',
    'يونيه', 'حزيران', 'juny', 'lipnja', 'júna', 'юни', 'јун', 'јуни'
  ]],
  [7, [
    'july', 'jul', 'korrik', 'juli', 'juillet', 'julio', 'luglio', 'julho', 'lipca', 'lipiec', 'července',
    'červenec', 'июля', 'июль', 'липня', 'ιουλίου', 'iulie', 'július', 'heinäkuuta', 'temmuz', 'יולי', 'ביולי',
    'يوليو', 'يوليه', 'تموز', 'juil', 'juliol', 'srpnja', 'júla', 'юли', 'јул', 'јули'
  ]],
  [8, [
    'august', 'aug', 'gusht', 'août', 'aout', 'agosto', 'augustus', 'augusti', 'agustus', 'sierpnia', 'sierpień',
    'srpna', 'srpen', 'августа', 'август', 'серпня', 'αυγούστου', 'augusztus', 'elokuuta', 'ağustos', 'אוגוסט',
    'באוגוסט', 'أغسطس', 'اغسطس', 'آب', 'agost', 'kolovoza', 'augusta'
  ]],
  [9, [
    'september', 'sept', 'sep', 'shtator', 'septembre', 'septiembre', 'setiembre', 'settembre', 'setembro',
    'września', 'wrzesień', 'září', 'сентября', 'сентябрь', 'вересня', 'σεπτεμβρίου', 'septembrie', 'szeptember',
    'syyskuuta', 'eylül', 'ספטמבר', 'בספטמבר', 'سبتمبر', 'أيلول', 'ايلول', 'setembre', 'rujna', 'septembra',
    'септември', 'септембар'
  ]],
  [10, [
    'october', 'oct', 'tetor', 'oktober', 'octobre', 'octubre', 'ottobre', 'outubro', 'października', 'październik',
    'října', 'říjen', 'октября', 'октябрь', 'жовтня', 'οκτωβρίου', 'octombrie', 'október', 'lokakuuta', 'ekim',
    'אוקטובר', 'באוקטובר', 'أكتوبر', 'اكتوبر', 'تشرين الأول', 'تشرين الاول', 'oktobar', 'októbra', 'октомври',
    'октобар'
  ]],
  [11, [
    'november', 'nov', 'nëntor', 'nentor', 'novembre', 'noviembre', 'novembro', 'listopada', 'listopad', 'listopadu',
    'ноября', 'ноябрь', 'листопада', 'νοεμβρίου', 'noiembrie', 'marraskuuta', 'kasım', 'נובמבר', 'בנובמבר', 'نوفمبر',
    'تشرين الثاني', 'studenoga', 'novembar', 'novembra', 'ноември', 'новембар'
  ]],
  [12, [
    'december', 'dec', 'dhjetor', 'dezember', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dezembro',
    'desember', 'grudnia', 'grudzień', 'prosince', 'prosinec', 'декабря', 'декабрь', 'грудня', 'δεκεμβρίου',
    'decembrie', 'joulukuuta', 'aralık', 'דצמבר', 'בדצמבר', 'ديسمبر', 'كانون الأول', 'كانون الاول', 'déc', 'dic',
    'desembre', 'prosinca', 'decembar', 'decembra', 'декември', 'децембар'
  ]],
];

const monthByName = new Map<string, number>();
for (const [month, names] of monthNames) {
  for (const name of names) {
    monthByName.set(name, month);
  }
}

function monthFromName(name: string): number | undefined {
  // Albanian text is sometimes stored decomposed (e + U+0308), which must still read as 'nëntor'.
  const key = name.normalize('NFC').toLowerCase().replace(/\.$/, '');
  return monthByName.get(key);
}

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

/**
 * The names as one pattern shaped like a trie ('sep(?:t(?:ember)?)?'): a scan then reads each letter once
 * instead of trying a few hundred names in turn at every word, and a longer name is still preferred to its
 * prefix. 'ë' also matches e + U+0308, as Albanian text is sometimes stored decomposed.
 */
function namesPattern(names: Iterable<string>): string {
  const root: TrieNode = { next: new Map(), end: false };
  for (const name of names) {
    let node = root;
    for (const char of name) {
      let child = node.next.get(char);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(char, child);
      }
      node = child;
    }
    node.end = true;
  }
  const escape = (char: string): string => (char === 'ë' ? '(?:ë|e\\u0308)' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const emit = (node: TrieNode): string => {
    const branches = [...node.next].map(([char, child]) => escape(char) + emit(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0] : `(?:${branches.join('|')})`;
    return node.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

const monthAlternation = namesPattern(monthByName.keys());
const hungarianMonths = namesPattern(['január', 'február', 'március', 'április', 'május', 'június', 'július', 'augusztus', 'szeptember', 'október', 'november', 'december']);

// A single space-like run that may wrap onto the next line once, as dates do in reflowed PDFs.
const SP = '(?:[^\\S\\r\\n]+|[^\\S\\r\\n]*\\r?\\n[^\\S\\r\\n]*)';
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';
// A month may be named twice, as Arabic pages do with its Levantine and its international name ('نيسان / أبريل');
// both names must then be the same month. Each space is a single optional one, so that no run backtracks.
const MONTH = `(${monthAlternation})\\.?(?:\\s?/\\s?(${monthAlternation}))?`;
const DAY = '(0?[1-9]|[12]\\d|3[01])';
const ORDINAL = '(?:st|nd|rd|th)?';
const YEAR = '(19\\d\\d|20\\d\\d)';
const NUM_MONTH = '(0?[1-9]|1[0-2])';

type Extract = (match: RegExpExecArray) => PartialDate;

interface DatePattern {
  regex: RegExp;
  extract: Extract;
  /** A two-digit year ('30.10.23'): read only where the text is known to be a date, since in prose it may be a version or a score. */
  shortYear?: boolean;
}

const byName = (name: string, again?: string): number => {
  const month = monthFromName(name) ?? 0;
  return again === undefined || monthFromName(again) === month ? month : 0;
};

// English capitalises the month, so a lowercase 'may' before a number is the verb ('prices may 2019
// levels...'); returning month 0 makes the match invalid, and it is skipped.
const leadingMonth = (name: string, again?: string): number => (name === 'may' ? 0 : byName(name, again));

/** '23' in a date is 2023 and '98' is 1998: pages written before 1950 do not print two-digit years. */
const fullYear = (short: string): number => Number(short) + (Number(short) < 50 ? 2000 : 1900);

// Every pattern requires a year: a day and month alone ('21 September') cannot be placed in time.
const datePatterns: DatePattern[] = [
  {
    // 21 September 2022, 21st of Sept. 2022, më 21 shtator 2022, 21. September 2022, 1er mai 2019, 8 de mayo de 2020,
    // 24 d'abril de 2020, 24 نيسان / أبريل 2020
    regex: new RegExp(`${START}${DAY}(?:${ORDINAL}|er)\\.?${SP}(?:(?:of|de)${SP}|d['’])?${MONTH},?${SP}(?:de${SP})?${YEAR}${END}`, 'giu'),
    extract: (m) => ({ year: Number(m[4]), month: byName(m[2], m[3]), day: Number(m[1]) }),
  },
  {
    // September 21, 2022; Sep 21st 2022
    regex: new RegExp(`${START}${MONTH}${SP}${DAY}${ORDINAL},?${SP}${YEAR}${END}`, 'giu'),
    extract: (m) => ({ year: Number(m[4]), month: leadingMonth(m[1], m[2]), day: Number(m[3]) }),
  },
  {
    // 2020. április 24.: the year first, with its dot, as Hungarian writes dates; Hungarian names only, since
    // in other languages a year that ends a sentence may be followed by one that starts with a date
    regex: new RegExp(`${START}${YEAR}\\.${SP}(${hungarianMonths})${SP}${DAY}\\.?${END}`, 'giu'),
    extract: (m) => ({ year: Number(m[1]), month: byName(m[2]), day: Number(m[3]) }),
  },
  {
    // September 2022, Sept. 2022, shtator 2022, mayo de 2020
    regex: new RegExp(`${START}${MONTH},?${SP}(?:de${SP})?${YEAR}${END}`, 'giu'),
    extract: (m) => ({ year: Number(m[3]), month: leadingMonth(m[1], m[2]) }),
  },
  {
    // 2023年6月15日, 2023년 6월 15일, 2023年6月: Chinese, Japanese and Korean dates, which letters may touch
    regex: /(?<!\d)(19\d\d|20\d\d) ?[年년] ?(0?[1-9]|1[0-2]) ?[月월](?: ?(0?[1-9]|[12]\d|3[01]) ?[日일])?/gu,
    extract: (m) => (m[3] === undefined ? { year: Number(m[1]), month: Number(m[2]) } : { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }),
  },
  {
    // 2022-09-21, also as the date part of a timestamp 2022-09-21T10:00
    regex: new RegExp(`${START}${YEAR}-(\\d{2})-(\\d{2})(?=$|[^\\p{L}\\p{N}]|T\\d)`, 'gu'),
    extract: (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }),
  },
  {
    // 2022-09; the lookahead keeps a range such as 1999-2022 from reading as a month
    regex: new RegExp(`${START}${YEAR}-(\\d{2})(?![\\p{L}\\p{N}]|-\\d)`, 'gu'),
    extract: (m) => ({ year: Number(m[1]), month: Number(m[2]) }),
  },
  {
    // 21/09/2022, 21.09.2022, 21-09-2022: day first, the European and Albanian order
    regex: new RegExp(`(?<![\\p{L}\\p{N}]|\\p{N}[./-])${DAY}([./-])${NUM_MONTH}\\2${YEAR}(?![\\p{L}\\p{N}]|[./-]\\p{N})`, 'gu'),
    extract: (m) => ({ year: Number(m[4]), month: Number(m[3]), day: Number(m[1]) }),
  },
  {
    // 30.10.23: day first with dots, the way German and Central European pages print a short date
    regex: new RegExp(`(?<![\\p{L}\\p{N}]|\\p{N}[./-])${DAY}\\.${NUM_MONTH}\\.(\\d\\d)(?![\\p{L}\\p{N}]|[./-]\\p{N})`, 'gu'),
    extract: (m) => ({ year: fullYear(m[3]), month: Number(m[2]), day: Number(m[1]) }),
    shortYear: true,
  },
];

export interface DateMatch {
  date: PartialDate;
  /** Offset of the match in the searched text. */
  index: number;
  length: number;
}

export interface DateScanOptions {
  /** Read day-first dates with a two-digit year ('30.10.23'), for text known to be a date (a page's date line). */
  shortYears?: boolean;
}

/**
 * Yields the dates in reading order. When several patterns match at one place the longest wins, and an
 * impossible date (31 February) is skipped whole so that its 'February 2022' tail is not reported instead.
 */
function* scanDates(text: string, options: DateScanOptions): Generator<DateMatch> {
  // Every pattern needs a digit (the year); most lines of a text have none, and are done at once.
  if (!/\d/.test(text)) return;
  // Compiling the patterns costs more than running them on a line, so one set is shared; a scan that starts
  // while another is still open (a generator left unfinished) gets its own.
  const shared = !sharedRegexesBusy;
  const regexes = shared ? sharedRegexes : datePatterns.map((pattern) => new RegExp(pattern.regex.source, pattern.regex.flags));
  if (shared) sharedRegexesBusy = true;
  try {
    yield* scanWith(text, regexes, options);
  } finally {
    if (shared) sharedRegexesBusy = false;
  }
}

const sharedRegexes = datePatterns.map((pattern) => new RegExp(pattern.regex.source, pattern.regex.flags));
let sharedRegexesBusy = false;

function* scanWith(text: string, regexes: RegExp[], options: DateScanOptions): Generator<DateMatch> {
  const next: (RegExpExecArray | null | undefined)[] = regexes.map(() => undefined);
  let position = 0;
  for (;;) {
    let best: { match: RegExpExecArray; pattern: number } | undefined;
    for (let i = 0; i < regexes.length; i++) {
      if (datePatterns[i].shortYear && !options.shortYears) continue;
      let match = next[i];
      if (match === undefined || (match !== null && match.index < position)) {
        regexes[i].lastIndex = position;
        match = regexes[i].exec(text);
        next[i] = match;
      }
      if (
        match &&
        (!best || match.index < best.match.index || (match.index === best.match.index && match[0].length > best.match[0].length))
      ) {
        best = { match, pattern: i };
      }
    }
    if (!best) {
      return;
    }
    const { match, pattern } = best;
    position = match.index + match[0].length;
    const date = datePatterns[pattern].extract(match);
    if (isValidPartialDate(date) && date.year >= MIN_TEXT_YEAR && date.year <= MAX_TEXT_YEAR) {
      yield { date, index: match.index, length: match[0].length };
    }
  }
}

/** Finds a date written the way documents write them, in free text. Returns the first match in reading order. */
export function findDateInText(text: string, options: DateScanOptions = {}): DateMatch | undefined {
  for (const found of scanDates(text, options)) {
    return found;
  }
  return undefined;
}

/** Every date in the text, in reading order. */
export function findDatesInText(text: string, options: DateScanOptions = {}): DateMatch[] {
  return [...scanDates(text, options)];
}

/** How much an inferred value can be trusted; a time-frame verdict resting on a `low` one says so. */
export type Confidence = 'low' | 'medium' | 'high';

interface InferredDate {
  /** ISO partial date. */
  date: string;
  /** 1-based line of the cue. */
  line: number;
  /** What on that line made it a publication date, for the author to judge. */
  cue: string;
  confidence: Confidence;
}

/**
 * Words that open a line naming the publication date: 'Published: 3 May 2021', '**Date:** 2021-05-03',
 * 'Issue of September 2022', 'Botuar në nëntor 2021', 'Mise en ligne le 23 mai 2019', 'Erstellt am
 * 12.01.2017', and the sentences blog templates print ('This entry was posted on Monday, December 14th,
 * 2015', 'Dieser Artikel wurde am 14. Dezember 2015 … geschrieben'). 'Date of Defense: …' names another
 * date, so the date must follow the cue at once, after at most a weekday.
 */
const publicationCueWords = [
  // English and Albanian
  'first published', 'published', 'posted', 'publication date', 'date of publication', 'date published', 'date of issue',
  'issued', 'issue', 'edition', 'released', 'written', 'date', 'this entry was posted', 'this post was published',
  'this article was published', 'botuar', 'publikuar', 'data e publikimit',
  // German, French, Spanish, Italian, Portuguese, Dutch
  'veröffentlicht', 'erschienen', 'publiziert', 'erstellt', 'datum', 'dieser artikel wurde', 'dieser beitrag wurde',
  'dieser eintrag wurde', 'publié', 'publiée', 'mis en ligne', 'mise en ligne', 'date de publication', 'paru',
  'publicado', 'publicada', 'fecha', 'fecha de publicación', 'pubblicato', 'pubblicata', 'data', 'data di pubblicazione',
  'data de publicação', 'gepubliceerd', 'geplaatst', 'publicatiedatum',
  // Nordic, Polish, Czech, Russian, Turkish, Indonesian, Arabic
  'publicerad', 'publicerat', 'publiceret', 'publisert', 'julkaistu', 'opublikowano', 'data publikacji', 'publikováno',
  'zveřejněno', 'опубликовано', 'дата публикации', 'yayınlanma tarihi', 'yayın tarihi', 'diterbitkan', 'dipublikasikan',
  'tanggal', 'نشر في', 'تم نشره', 'تاريخ النشر',
];
/** Days of the week, which cue lines print before the date ('Published on Monday, 14 December 2015'). */
const weekdays = [
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue', 'tues', 'wed', 'thu', 'thur',
  'thurs', 'fri', 'sat', 'sun', 'montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag', 'sonnabend', 'sonntag',
  'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche', 'lunes', 'martes', 'miércoles', 'jueves',
  'viernes', 'sábado', 'domingo', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì',
  'sabato', 'domenica', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag', 'الأحد', 'الاثنين',
  'الإثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت',
];
const longestFirst = (words: string[]): string => [...words].sort((a, b) => b.length - a.length).join('|');
const publicationCue = new RegExp(
  `^(?:${longestFirst(publicationCueWords)})(?![\\p{L}\\p{N}])(?:\\s+(?:on|of|in|n\u00eb|m\u00eb|am|le|el|em|en|il|op|den|dnia|pada|في))?\\s*[:\\-\u2013\u2014]?\\s*` +
    `(?:(?:${longestFirst(weekdays)})\\.?,?\\s)?`,
  'iu',
);
/** What may follow the date on a cue line: a place or a note, not another sentence ('… in Tirana.'). */
const MAX_CUE_TAIL = 40;
/** Words after which a date is one the document already looks back on: it was published later. */
// Spelled out in both cases rather than with the i flag, which makes this scan of the whole text several times slower.
const pastMarker = /\b(?:[Rr]etrieved|RETRIEVED|[Aa]ccessed|ACCESSED|[Cc]onsulted|[Vv]isited|[Vv]iewed|[Dd]ownloaded|[Aa]s (?:of|at)|AS OF|[Aa]ksesuar)\b/g;
/** How far after such a word its date may start ('accessed on 1 July 2024', 'retrieved: July 1, 2024'). */
const PAST_MARKER_REACH = 24;

/**
 * The date a publication cue opens a line with ('Published: 3 May 2021', 'Veröffentlicht am Montag, 14.
 * Dezember 2015'), with the cue as written and how much text follows the date; the date must follow the
 * cue at once. Shared by text files and by the labelled dates of web pages.
 */
export function publicationCueDate(line: string, options: DateScanOptions = {}): { cue: string; found: DateMatch; tail: number } | undefined {
  const cue = publicationCue.exec(line);
  if (!cue) return undefined;
  const rest = line.slice(cue[0].length);
  const found = findDateInText(rest, options);
  if (found?.index !== 0) return undefined;
  return { cue: cue[0], found: { ...found, index: cue[0].length }, tail: rest.length - found.length };
}

/** A cue as a finding names it, without the separators after it: 'Published on: ' is "Published on". */
export function cueName(cue: string): string {
  // A loop rather than a pattern anchored at the end, which would go back over every separator run.
  let end = cue.length;
  while (end > 0 && /[\s:\-\u2013\u2014,.]/.test(cue[end - 1])) end--;
  return cue.slice(0, end);
}

function cleanCueLine(line: string): string {
  return line.replace(/\[bookmark:[^\]]*\]/g, '').replace(/[*_#>`]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The line's first date (`found`) when it is the whole line, give or take punctuation and a place ('TIRANA, ALBANIA' stays out: it has no date). */
function dateAloneOnLine(line: string, found: DateMatch | undefined): DateMatch | undefined {
  if (!found) return undefined;
  const rest = line.slice(0, found.index) + line.slice(found.index + found.length);
  return rest.replace(/[\s,.;:()\[\]\-\u2013\u2014]/g, '').length === 0 ? found : undefined;
}

/** A year alone on its line ('2021', '**2021**'), as title pages print it; checked without a backtracking pattern. */
function yearAloneOnLine(line: string): number | undefined {
  if (line.length > 16) return undefined;
  const bare = line.trim();
  return /^(?:19|20)\d\d$/.test(bare) ? Number(bare) : undefined;
}

/** A line that labels the date on the next as another one than the publication's: an update's, a comment's, an archive. */
const otherDateLabel = /^(?:\d{1,6} )?(?:last |zuletzt )?(?:updated|modified|changed|revised|aktualisiert|ge(?:ä|ae)ndert|mis à jour|actualizado|aggiornato|bijgewerkt|comments?|repl(?:y|ies)|kommentare?|archives?|archiv)(?![\p{L}\p{N}])[^\n]{0,20}$/iu;

/** A dateline opens news and press releases: 'TIRANA, 21 September 2022 –', 'Tiranë, më 3 nëntor 2021'. */
const datelinePlace = /^[\p{Lu}][\p{L}.' -]{0,40},\s*(?:(?:më|on)\s+)?$/u;

/**
 * The latest date the text treats as already past ('retrieved 1 July 2024', 'as of March 2023'): the
 * document was published on or after it. Returns the first day of that date's range.
 */
export function pastDateBound(text: string): { date: string; line: number } | undefined {
  let bound: { date: string; index: number } | undefined;
  pastMarker.lastIndex = 0;
  for (let marker = pastMarker.exec(text); marker; marker = pastMarker.exec(text)) {
    const from = marker.index + marker[0].length;
    const window = text.slice(from, from + PAST_MARKER_REACH + 30);
    const found = findDateInText(window);
    if (!found || found.index > PAST_MARKER_REACH) continue;
    const start = isoDateRange(formatIsoDate(found.date)).start;
    if (!bound || start > bound.date) bound = { date: start, index: from + found.index };
  }
  if (!bound) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < bound.index; i = text.indexOf('\n', i + 1)) line++;
  return { date: bound.date, line };
}

/**
 * The publication date of a text, from the cues documents print near the top: a 'Published'/'Date:' line,
 * a date alone on a line, a dateline, a year alone on a title page. A date inside running prose, a
 * footnote or a reference list is no cue, so it is never taken. A candidate earlier than a date the
 * document treats as past (`pastDateBound`) is impossible and discarded; where nothing is left the
 * text is undated, which the author sees, rather than wrongly dated, which nobody would.
 */
export function inferPublicationDate(
  text: string,
  maxLines = 40,
  /** The whole text, when `text` is only its opening (its first `maxLines` lines at least): asked for only when there is a candidate to judge. */
  wholeText: () => string = () => text,
): InferredDate | undefined {
  if (maxLines < 1) return undefined;
  const lines = text.split('\n', maxLines);
  const candidates: (InferredDate & { rank: number })[] = [];
  let textLines = 0;
  let previous = '';
  let previousAlone: (InferredDate & { rank: number }) | 'taken' | undefined;
  lines.forEach((raw, index) => {
    const line = cleanCueLine(raw);
    if (line === '') return;
    textLines++;
    const before = previous;
    const aloneBefore = previousAlone;
    previous = line;
    previousAlone = undefined;
    const add = (date: string, rank: number, cue: string, confidence: Confidence): void => {
      candidates.push({ date, line: index + 1, cue, confidence, rank });
    };
    const cue = publicationCue.exec(line);
    if (cue) {
      const cued = publicationCueDate(line);
      const afterCue = cued && cued.tail <= MAX_CUE_TAIL ? cued.found : undefined;
      const year = afterCue ? undefined : yearAloneOnLine(line.slice(cue[0].length));
      if (afterCue || year !== undefined) {
        add(afterCue ? formatIsoDate(afterCue.date) : String(year), 0, `"${cueName(cue[0])}" line`, 'high');
        return;
      }
    }
    const found = findDateInText(line);
    const alone = dateAloneOnLine(line, found);
    if (alone) {
      // Dates alone on lines one after another are a list (a blog's archive, a chronology), not the
      // document's date; nor is one a template labels as an update or a comment's.
      previousAlone = 'taken';
      if (aloneBefore !== undefined) {
        if (aloneBefore !== 'taken') candidates.splice(candidates.indexOf(aloneBefore), 1);
        return;
      }
      if (otherDateLabel.test(before)) return;
      // The first lines of a document are its cover or masthead; a date alone further down may be a table's.
      add(formatIsoDate(alone.date), 1, 'date alone on a line', textLines <= 5 ? 'high' : 'medium');
      previousAlone = candidates[candidates.length - 1];
      return;
    }
    if (found && datelinePlace.test(line.slice(0, found.index)) && /^\s*(?:[-\u2013\u2014:(]|$)/.test(line.slice(found.index + found.length))) {
      add(formatIsoDate(found.date), 1, 'dateline', 'medium');
      return;
    }
    // A day may open the first paragraph without a place ('27.1.2022 - Bei der Erinnerung …'); a chronology's
    // entries look the same, so it is weak evidence.
    if (found?.index === 0 && found.date.day !== undefined && /^\s+[-\u2013\u2014]\s+\p{L}/u.test(line.slice(found.length))) {
      add(formatIsoDate(found.date), 1, 'dateline without a place', 'low');
      return;
    }
    const year = yearAloneOnLine(line);
    if (year !== undefined) add(String(year), 2, 'year alone on a line', 'low');
  });
  if (candidates.length === 0) return undefined;
  // Reading the whole text for a bound is the costly part, so it is done only when there is a candidate to judge.
  const bound = pastDateBound(wholeText());
  const possible = bound ? candidates.filter((candidate) => isoDateRange(candidate.date).end >= bound.date) : candidates;
  possible.sort((a, b) => a.rank - b.rank || a.line - b.line);
  const best = possible[0];
  if (!best) return undefined;
  return { date: best.date, line: best.line, cue: best.cue, confidence: best.confidence };
}

const looseIsoPattern = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T\s].*)?$/s;

/**
 * Parses one human-written date string such as a BibTeX/HTML meta value: 'September 2022', '21 Sept. 2022',
 * '2022-09-21T10:00:00Z', 'Sep 21, 2022'. A timestamp keeps the calendar date it was written with; it is not
 * shifted to UTC, since the author's local date is the one the document shows.
 */
export function parseLooseDate(value: string, options: DateScanOptions = {}): PartialDate | undefined {
  const trimmed = value.trim();
  const iso = looseIsoPattern.exec(trimmed);
  if (iso) {
    const date: PartialDate = { year: Number(iso[1]) };
    if (iso[2] !== undefined) {
      date.month = Number(iso[2]);
    }
    if (iso[3] !== undefined) {
      date.day = Number(iso[3]);
    }
    // Year 0000 is what some CMSs write for 'no date'.
    return date.year >= 1000 && isValidPartialDate(date) ? date : undefined;
  }
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (compact) {
    const date: PartialDate = { year: Number(compact[1]), month: Number(compact[2]), day: Number(compact[3]) };
    return date.year >= 1000 && isValidPartialDate(date) ? date : undefined;
  }
  const found = findDateInText(trimmed, options);
  if (found) {
    return found.date;
  }
  // 'Spring 2022' or '© 2022': a lone year is all such a value says, and it is still worth keeping.
  const loneYear = /^[^\d]*(?<!\d)(19\d\d|20\d\d)(?!\d)[^\d]*$/.exec(trimmed);
  return loneYear ? { year: Number(loneYear[1]) } : undefined;
}
