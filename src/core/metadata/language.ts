/**
 * Language guessing by stop-word frequency: the commonest function words of a language make up a large
 * share of any running text in it, and a handful of short lists tells the corpus languages apart without a
 * model. Words shared by several languages ('la', 'e', 'se') count for each; the lead a language needs
 * over the runner-up absorbs that.
 */

const stopWords: Readonly<Record<string, readonly string[]>> = {
  en: [
    'the', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'it', 'was', 'on', 'with', 'as', 'by', 'this', 'are',
    'be', 'at', 'from', 'or', 'an', 'which', 'have', 'has', 'not', 'were', 'their', 'been', 'its', 'they', 'but',
  ],
  sq: [
    'dhe', 'të', 'në', 'për', 'që', 'një', 'me', 'nga', 'është', 'se', 'i', 'e', 'u', 'ka', 'janë', 'nuk', 'si',
    'më', 'por', 'ky', 'kjo', 'ishte', 'edhe', 'tij', 'saj', 'këtë', 'kanë', 'mund', 'duhet', 'apo', 'tyre',
    // Albanian typed without diacritics, common online, where these forms are unambiguous.
    'eshte', 'jane', 'nje', 'per', 'kete', 'kane',
  ],
  fr: [
    'le', 'la', 'les', 'de', 'des', 'du', 'et', 'est', 'un', 'une', 'en', 'dans', 'que', 'qui', 'pour', 'pas',
    'sur', 'au', 'aux', 'avec', 'ce', 'il', 'elle', 'sont', 'par', 'plus', 'ont', 'été', 'cette', 'nous', 'mais',
  ],
  de: [
    'der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'zu', 'den', 'von', 'mit', 'sich', 'des', 'auf',
    'für', 'im', 'dem', 'auch', 'es', 'als', 'nach', 'wird', 'bei', 'einer', 'aus', 'sind', 'wurde', 'oder',
    'werden', 'hat',
  ],
  es: [
    'el', 'la', 'los', 'las', 'de', 'que', 'y', 'en', 'un', 'una', 'por', 'con', 'no', 'para', 'es', 'del', 'se',
    'lo', 'al', 'como', 'más', 'su', 'sus', 'pero', 'está', 'son', 'fue', 'ha', 'este', 'esta', 'entre', 'también',
  ],
  it: [
    'il', 'di', 'che', 'e', 'la', 'è', 'per', 'un', 'una', 'non', 'in', 'del', 'della', 'con', 'sono', 'si', 'da',
    'le', 'gli', 'dei', 'delle', 'nel', 'nella', 'alla', 'anche', 'ma', 'come', 'più', 'questo', 'questa', 'stato',
  ],
};

/** Each word's languages, so a text is tokenised once however many languages there are. */
const languagesByWord = new Map<string, string[]>();
for (const [language, words] of Object.entries(stopWords)) {
  for (const word of words) {
    const languages = languagesByWord.get(word) ?? [];
    if (!languages.includes(language)) {
      languages.push(language);
    }
    languagesByWord.set(word, languages);
  }
}

/** The languages detectLanguage can return. */
const detectableLanguages: readonly string[] = Object.keys(stopWords);

/** How much of a text detectLanguage looks at: its first characters (UTF-16 code units). */
export const languageSampleChars = 20_000;
const MIN_HITS = 20;
const MIN_LEAD = 2;

const letterOrMark = /^[\p{L}\p{M}]$/u;
/** Whether each of the first 12,288 code points is a letter or a mark, worked out once. */
const letterOrMarkTable = (() => {
  const table = new Uint8Array(0x3000);
  for (let code = 0; code < table.length; code++) table[code] = letterOrMark.test(String.fromCharCode(code)) ? 1 : 0;
  return table;
})();
const longestStopWord = Math.max(...[...languagesByWord.keys()].map((word) => word.length));
/** A sieve on length, first and last character: most words are not stop words, and so are never cut out. */
const sieveOf = (length: number, first: number, last: number) => (length * 131 + first * 31 + last) & 4095;
const stopWordSieve = (() => {
  const sieve = new Uint8Array(4096);
  for (const word of languagesByWord.keys()) sieve[sieveOf(word.length, word.charCodeAt(0), word.charCodeAt(word.length - 1))] = 1;
  return sieve;
})();

/**
 * Stop-word hits per language, over the same sample detectLanguage looks at: the words are the runs of
 * letters and marks (as /[\p{L}\p{M}]+/u finds them), read by hand, and only those short enough to be
 * a stop word are looked up: a regular expression's match per word costs more than the rest of indexing.
 */
export function stopWordHits(text: string): Record<string, number> {
  const hits: Record<string, number> = Object.fromEntries(detectableLanguages.map((language) => [language, 0]));
  // NFC first so that an 'ë' stored as e + U+0308 matches the list; marks stay inside the word.
  // Below U+0300 every character is its own NFC form, so text without higher ones needs no normalising.
  const raw = text.slice(0, languageSampleChars);
  const sample = (/[^\u0000-\u02ff]/.test(raw) ? raw.normalize('NFC') : raw).toLowerCase();
  const count = (start: number, end: number) => {
    if (end - start > longestStopWord || stopWordSieve[sieveOf(end - start, sample.charCodeAt(start), sample.charCodeAt(end - 1))] === 0) return;
    const languages = languagesByWord.get(sample.slice(start, end));
    if (languages) for (const language of languages) hits[language]++;
  };
  let start = -1;
  for (let index = 0; index < sample.length; index++) {
    const code = sample.charCodeAt(index);
    let width = 1;
    let inWord: boolean;
    if (code < 0x3000) {
      inWord = letterOrMarkTable[code] === 1;
    } else if (code >= 0xd800 && code <= 0xdbff && index + 1 < sample.length && (sample.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      width = 2;
      inWord = letterOrMark.test(sample.slice(index, index + 2));
    } else {
      inWord = letterOrMark.test(sample[index]);
    }
    if (inWord) {
      if (start < 0) start = index;
    } else if (start >= 0) {
      count(start, index);
      start = -1;
    }
    index += width - 1;
  }
  if (start >= 0) count(start, sample.length);
  return hits;
}

/** Guesses a document's language from its text (looks at most at the first ~20,000 characters); undefined unless confident. */
export function detectLanguage(text: string): string | undefined {
  const ranked = Object.entries(stopWordHits(text)).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < MIN_HITS || best[1] < MIN_LEAD * (second?.[1] ?? 0)) {
    return undefined;
  }
  return best[0];
}

/** Language names as reference managers and document properties write them (biblatex's `langid`, Word's names). */
const languageNames: Record<string, string> = {
  english: 'en', american: 'en', british: 'en', ukenglish: 'en', usenglish: 'en', canadian: 'en', australian: 'en',
  albanian: 'sq', shqip: 'sq', french: 'fr', francais: 'fr', 'français': 'fr', german: 'de', ngerman: 'de',
  deutsch: 'de', austrian: 'de', naustrian: 'de', swissgerman: 'de', nswissgerman: 'de', italian: 'it', italiano: 'it',
  spanish: 'es', 'español': 'es', espanol: 'es', portuguese: 'pt', brazilian: 'pt', dutch: 'nl', greek: 'el',
  serbian: 'sr', croatian: 'hr', bosnian: 'bs', macedonian: 'mk', slovenian: 'sl', bulgarian: 'bg', romanian: 'ro',
  turkish: 'tr', russian: 'ru', ukrainian: 'uk', polish: 'pl', czech: 'cs', slovak: 'sk', hungarian: 'hu',
  swedish: 'sv', norwegian: 'no', norsk: 'no', danish: 'da', finnish: 'fi', arabic: 'ar', persian: 'fa', farsi: 'fa',
  kurdish: 'ku', pashto: 'ps', urdu: 'ur', hindi: 'hi', chinese: 'zh', japanese: 'ja', korean: 'ko',
  amharic: 'am', tigrinya: 'ti', somali: 'so', hebrew: 'he', georgian: 'ka', armenian: 'hy',
};

/**
 * The ISO 639 code of a language as a source's metadata declares it: a code or tag ('en', 'en-GB',
 * 'sq_AL'), a name ('Albanian', 'ngerman'), or a list whose first language is the document's ('english
 * and french'). Only the primary subtag is kept: time frames and matching go by language, and regional
 * variants would only split them. Undefined when nothing in it is a language.
 */
export function languageCode(raw: string | undefined): string | undefined {
  const first = raw?.trim().split(/\s+and\s+|[,;]/)[0].trim().toLowerCase();
  if (!first) return undefined;
  if (languageNames[first]) return languageNames[first];
  const tag = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/.exec(first);
  return tag ? tag[1] : undefined;
}
