/**
 * Deterministic synthetic corpus and report for `npm run bench`.
 *
 * Every source is a function of (seed, index) alone, so the corpus of 100 sources is the first 100 of
 * the corpus of 10,000, and a given seed and size always give the same bytes. Text is English-like and
 * Albanian-like: words drawn with Zipf frequencies from a vocabulary of a few hundred thousand forms
 * (real function words, real names and place names, and synthetic words built from each language's
 * syllables), sentences of 8–35 words, paragraphs of 3–8 sentences, hard-wrapped at about 100 columns
 * with some line-end hyphenation, and the occasional number, percentage, date and footnote marker.
 * About 60% of sources are Markdown with front matter; the rest are plain text whose title and date
 * are on their first lines. Sizes are log-normal, 10 KB to 4 MB, mean about 100 KB.
 *
 * Corpora are cached under `.bench/` keyed by generator version, seed and size; a corpus is written
 * once (files already present in another cached corpus of the same version are hard-linked).
 *
 *   node out/tsc/test/bench/generate-corpus.js --size 1000 [--seed 42]
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { keyFromFileName } from '../../src/core/metadata/inference';

export const generatorVersion = 1;
export const defaultSeed = 42;
export const repoRoot = path.resolve(__dirname, '../../../..');
export const benchDir = path.join(repoRoot, '.bench');
const filesPerFolder = 500;

// ---------------------------------------------------------------------------------------------------
// Pseudo-random numbers: sfc32, seeded through a string hash, so streams are independent per source.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seedParts: (string | number)[]) {
    const seed = seedParts.join('\u0000');
    let h1 = 1779033703 ^ seed.length;
    let h2 = 3144134277;
    let h3 = 1013904242;
    let h4 = 2773480762;
    for (let index = 0; index < seed.length; index++) {
      const code = seed.charCodeAt(index);
      h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
    }
    this.a = h1 >>> 0;
    this.b = h2 >>> 0;
    this.c = h3 >>> 0;
    this.d = h4 >>> 0;
    for (let index = 0; index < 15; index++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(from: number, to: number): number {
    return from + Math.floor(this.next() * (to - from + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary: real high-frequency words first, then synthetic forms; Zipf weights over ranks.

const englishFunctionWords = (
  'the of and to in a is that for it was on with as by this are be at from or an which have has not were their been its ' +
  'they but had also more these than other who there would can will all into about after between such only some under ' +
  'were during most many while when because where those both however since against without through before them any each'
).split(' ');
const englishCommonWords = (
  'government police women children people report authorities victims trafficking survivors shelter country city ' +
  'support assistance law court year years state public services case cases persons family families return returned ' +
  'protection social national local according number access rights organisation organisations health education work ' +
  'labour migrants border reported cases staff funding programme programmes ministry officials investigation prosecution ' +
  'victim region north south capital community communities risk risks received provided limited lack several new two ' +
  'three first many high low however further data information practice practices interview interviews survey findings ' +
  'housing employment school schools place places month months period time security justice judge judges prosecutors ' +
  'legal aid lawyer lawyers centre centres department office offices network networks project projects donor donors ' +
  'international european union council committee commission response referral mechanism identification reintegration ' +
  'exploitation abroad domestic violence minors adults men unaccompanied asylum application applications decision decisions'
).split(' ');
const albanianFunctionWords = (
  'dhe të në për që një me nga është se i e u ka janë nuk si më por ky kjo ishte edhe tij saj këtë kanë mund duhet apo tyre ' +
  'do ku kur pas para mbi nën deri sipas gjatë midis rreth vetëm shumë disa çdo cili cila ato ata ne ju ajo ai'
).split(' ');
const albanianCommonWords = (
  'qeveria policia gratë fëmijët njerëzit raporti autoritetet viktimat trafikimi strehëza vendi qyteti mbështetje ndihmë ligji ' +
  'gjykata viti vitet shteti publik shërbimet rasti rastet familja familjet kthimi mbrojtja sociale kombëtare lokale numri aksesi ' +
  'të drejtat organizata shëndeti arsimi puna emigrantët kufiri stafi financimi programi ministria zyrtarët hetimi prokuroria ' +
  'viktimë rajoni veriu jugu kryeqyteti komuniteti rreziku marrë ofruar kufizuar mungesa dy tre parë shumë informacion praktika ' +
  'intervista anketa gjetjet strehimi punësimi shkolla shkollat vendi muaji muajt periudha koha siguria drejtësia gjyqtari ' +
  'avokati ndihma juridike qendra qendrat departamenti zyra rrjeti projekti donatorët ndërkombëtare europiane këshilli komisioni ' +
  'mekanizmi identifikimi riintegrimi shfrytëzimi jashtë dhuna e brendshme të miturit të rriturit burrat azili kërkesa vendimi'
).split(' ');
const places = (
  'Albania Tirana Shkodër Durrës Vlorë Elbasan Korçë Fier Berat Lushnjë Kavajë Gjirokastër Sarandë Kukës Lezhë Pogradec Dibër ' +
  'Kosovo Prishtina Prizren Greece Athens Italy Rome Milan Bari Germany Berlin Munich Belgium Brussels France Paris Lyon United ' +
  'Kingdom London Manchester Birmingham Netherlands Amsterdam Rotterdam Switzerland Zurich Austria Vienna Sweden Stockholm Turkey ' +
  'Istanbul Montenegro Podgorica Serbia Belgrade North Macedonia Skopje Europe Balkans Adriatic'
).split(' ');
const firstNames = (
  'Arben Besnik Drita Elira Gjergj Ilir Jonida Kujtim Mirela Valbona Zamira Arta Blerta Dritan Edmond Fatmir Genta Hysen Ina ' +
  'Klodian Lindita Mimoza Nertila Orges Pranvera Rudina Sokol Teuta Vjosa Xhensila Ylli Anna James Maria David Sarah Michael ' +
  'Elena Thomas Laura Peter Sophie Daniel Emma Robert Julia John Helen'
).split(' ');
const surnames = (
  'Hoxha Krasniqi Shehu Berisha Gashi Dervishi Leka Kola Marku Prifti Çela Zeneli Bajrami Gjoka Lika Meta Rama Basha Dushku ' +
  'Kastrati Smith Jones Müller Rossi Dubois Papadopoulos Schmidt Brown Taylor Wilson Martin Bianchi Fischer'
).split(' ');
export const publishers = [
  'Asylos', 'Balkan Shelter Network', 'Amnesty International', 'UNHCR', 'Council of Europe', 'GRETA', 'US Department of State',
  'Gazeta Shqiptare', 'Top Channel', 'BIRN Albania', 'IOM', 'OSCE Presence in Albania', 'Human Rights Watch', 'Different and Equal',
  'Tjetër Vizion', 'Albanian Helsinki Committee', 'People’s Advocate', 'Civic Monitor', 'Legal Aid Clinic', 'European Commission',
  'UNICEF Albania', 'Terre des hommes', 'Mary Ward Loreto', 'Home Office', 'EUAA', 'ACCORD', 'Landinfo', 'Danish Immigration Service',
  'Swiss Refugee Council', 'Reporter.al', 'Lapsi.al', 'Euronews Albania', 'Balkan Insight', 'Exit News', 'Kosovo Women’s Network',
];
const sourceTypes = ['report', 'article', 'news', 'interview', 'thesis', 'legislation', 'other'];
const monthsEn = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthsSq = ['janar', 'shkurt', 'mars', 'prill', 'maj', 'qershor', 'korrik', 'gusht', 'shtator', 'tetor', 'nëntor', 'dhjetor'];

const enSyllables = {
  onsets: ['', '', 'b', 'c', 'd', 'f', 'g', 'h', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'cr', 'dr', 'fr', 'gr', 'pr', 'tr', 'st', 'sp', 'ch', 'sh', 'th', 'pl', 'cl', 'bl', 'qu', 'sc'],
  nuclei: ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'i', 'ea', 'ai', 'ou', 'io', 'ie', 'ee', 'oo', 'y'],
  codas: ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'nt', 'st', 'rt', 'ck', 'ss', 'ng', 'x', 'ct', 'rd'],
  suffixes: ['', '', '', 's', 'ed', 'ing', 'ion', 'tion', 'ment', 'ity', 'al', 'ly', 'er', 'ers', 'ive', 'ance', 'ence', 'ous', 'ism', 'ist', 'able', 'ness', 'ship'],
};
const sqSyllables = {
  onsets: ['', '', 'b', 'd', 'dh', 'f', 'g', 'gj', 'h', 'j', 'k', 'l', 'll', 'm', 'n', 'nj', 'p', 'q', 'r', 'rr', 's', 'sh', 't', 'th', 'v', 'x', 'xh', 'z', 'zh', 'ç', 'sht', 'kr', 'pr', 'tr', 'br', 'dr'],
  nuclei: ['a', 'e', 'ë', 'i', 'o', 'u', 'y', 'a', 'e', 'i', 'ie', 'ua'],
  codas: ['', '', '', 'n', 'r', 't', 'sh', 's', 'k', 'm', 'j', 'l', 'll', 'nd', 'rt', 'st'],
  suffixes: ['', '', 'i', 'a', 'it', 'in', 've', 'ës', 'ja', 'imi', 'ave', 'isë', 'eve', 'uar', 'shëm', 'ore', 'ohet', 'uan', 'ësi', 'të'],
};

export interface Language {
  code: 'en' | 'sq';
  words: string[];
  /** Capitalised forms (names, places) are stored capitalised; everything else lower case. */
  rank: Map<string, number>;
  alias: Int32Array;
  probability: Float64Array;
}

function syntheticWord(random: Random, syllables: typeof enSyllables): string {
  const count = random.next() < 0.3 ? 1 : random.next() < 0.7 ? 2 : random.next() < 0.8 ? 3 : 4;
  let word = '';
  for (let index = 0; index < count; index++) word += random.pick(syllables.onsets) + random.pick(syllables.nuclei) + random.pick(syllables.codas);
  return word + random.pick(syllables.suffixes);
}

/** Vose's alias tables for drawing ranks with weight 1/(rank+2.7)^s in O(1). */
function aliasTables(count: number, exponent: number): { alias: Int32Array; probability: Float64Array } {
  const weights = new Float64Array(count);
  let total = 0;
  for (let rank = 0; rank < count; rank++) total += weights[rank] = 1 / Math.pow(rank + 2.7, exponent);
  const scaled = new Float64Array(count);
  for (let rank = 0; rank < count; rank++) scaled[rank] = (weights[rank] * count) / total;
  const alias = new Int32Array(count);
  const probability = new Float64Array(count);
  const small: number[] = [];
  const large: number[] = [];
  for (let rank = count - 1; rank >= 0; rank--) (scaled[rank] < 1 ? small : large).push(rank);
  while (small.length && large.length) {
    const less = small.pop()!;
    const more = large.pop()!;
    probability[less] = scaled[less];
    alias[less] = more;
    scaled[more] = scaled[more] + scaled[less] - 1;
    (scaled[more] < 1 ? small : large).push(more);
  }
  for (const rank of large) probability[rank] = 1;
  for (const rank of small) probability[rank] = 1;
  return { alias, probability };
}

function buildLanguage(code: 'en' | 'sq', seed: number, size: number): Language {
  const random = new Random(seed, 'vocabulary', code);
  const functionWords = code === 'en' ? englishFunctionWords : albanianFunctionWords;
  const commonWords = code === 'en' ? englishCommonWords : albanianCommonWords;
  const syllables = code === 'en' ? enSyllables : sqSyllables;
  const seen = new Set<string>();
  const head: string[] = [];
  for (const word of [...functionWords, ...commonWords]) if (!seen.has(word)) seen.add(word), head.push(word);
  const proper = [...places, ...firstNames, ...surnames];
  const synthetic: { word: string; order: number }[] = [];
  while (seen.size + synthetic.length < size) {
    let word: string;
    const roll = random.next();
    if (roll < 0.004 && synthetic.length > 1000) {
      // A hyphenated compound of two existing forms ("decision-making").
      word = `${synthetic[random.int(0, 999)].word}-${synthetic[random.int(0, synthetic.length - 1)].word}`;
    } else if (roll < 0.02) {
      // A synthetic name, capitalised.
      const base = syntheticWord(random, syllables);
      word = base.charAt(0).toUpperCase() + base.slice(1);
    } else {
      word = syntheticWord(random, syllables);
    }
    if (word.length < 2 || seen.has(word)) continue;
    seen.add(word);
    // Short words are commoner: order by length with noise.
    synthetic.push({ word, order: word.length + random.next() * 7 });
  }
  synthetic.sort((a, b) => a.order - b.order);
  const words = [...head];
  // Real names and places are spread through the first few thousand ranks.
  let properIndex = 0;
  for (let index = 0; index < synthetic.length; index++) {
    if (properIndex < proper.length && index % 23 === 5) {
      words.push(proper[properIndex++]);
    }
    words.push(synthetic[index].word);
  }
  const rank = new Map<string, number>();
  words.forEach((word, index) => {
    if (!rank.has(word)) rank.set(word, index);
  });
  const { alias, probability } = aliasTables(words.length, 1.0);
  return { code, words, rank, alias, probability };
}

const languageCache = new Map<string, { en: Language; sq: Language }>();

/** English-like 300k forms, Albanian-like 150k forms; at 1 GB nearly all of them occur. */
export function languages(seed = defaultSeed): { en: Language; sq: Language } {
  const key = String(seed);
  let built = languageCache.get(key);
  if (!built) languageCache.set(key, (built = { en: buildLanguage('en', seed, 300_000), sq: buildLanguage('sq', seed, 150_000) }));
  return built;
}

function drawWord(random: Random, language: Language): string {
  const slot = Math.floor(random.next() * language.words.length);
  return language.words[random.next() < language.probability[slot] ? slot : language.alias[slot]];
}

// ---------------------------------------------------------------------------------------------------
// Sources.

export interface SourceInfo {
  index: number;
  relativePath: string;
  key: string;
  markdown: boolean;
  language: 'en' | 'sq';
  title: string;
  publisher: string;
  authors: string[];
  date?: string;
  type: string;
  /** Target size in bytes. */
  size: number;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Metadata of source `index`, without generating its text. */
export function sourceInfo(seed: number, index: number): SourceInfo {
  const random = new Random(seed, 'source', index);
  const language = random.chance(0.75) ? 'en' : 'sq';
  const lang = languages(seed)[language];
  const markdown = random.chance(0.6);
  const publisher = random.pick(publishers);
  const authorCount = random.chance(0.5) ? 0 : random.int(1, 3);
  const authors = Array.from({ length: authorCount }, () => `${random.pick(firstNames)} ${random.pick(surnames)}`);
  const year = random.int(2012, 2024);
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const undated = random.chance(0.05);
  const precision = random.next();
  const date = undated ? undefined : precision < 0.8 ? `${year}-${pad(month, 2)}-${pad(day, 2)}` : precision < 0.95 ? `${year}-${pad(month, 2)}` : `${year}`;
  const titleWords = Array.from({ length: random.int(3, 9) }, () => drawWordFromRanks(random, lang, 30, 20_000));
  const title = `${random.chance(0.4) ? `${random.pick(['Albania', 'Shqipëria', 'Kosovo', 'Tirana'])}: ` : ''}${capitalize(titleWords.join(' '))}`;
  const type = random.pick(sourceTypes);
  // Log-normal sizes, mean ≈ 100 KB, clamped to 10 KB – 4 MB.
  const size = Math.round(Math.min(4_000_000, Math.max(10_000, Math.exp(Math.log(100_000) - 0.5 - 0.02 + random.normal()))));
  const base = `${slug(publisher)}-${year}-${pad(index, 5)}`;
  const relativePath = `part-${pad(Math.floor(index / filesPerFolder), 2)}/${base}.${markdown ? 'md' : 'txt'}`;
  return {
    index,
    relativePath,
    key: keyFromFileName(relativePath),
    markdown,
    language,
    title,
    publisher,
    authors,
    date,
    type,
    size,
  };
}

function drawWordFromRanks(random: Random, language: Language, from: number, to: number): string {
  return language.words[random.int(from, Math.min(to, language.words.length - 1))];
}

function formatDateLine(info: SourceInfo, random: Random): string {
  if (!info.date) return '';
  const [year, month, day] = info.date.split('-').map(Number);
  const months = info.language === 'sq' ? monthsSq : monthsEn;
  if (!month) return info.language === 'sq' ? `Viti ${year}` : `Published ${year}`;
  if (!day) return `${capitalize(months[month - 1])} ${year}`;
  const style = random.int(0, 3);
  if (style === 0) return info.language === 'sq' ? `Tiranë, ${day} ${months[month - 1]} ${year}` : `Published: ${day} ${months[month - 1]} ${year}`;
  if (style === 1) return `${pad(day, 2)}.${pad(month, 2)}.${year}`;
  if (style === 2) return `Date: ${info.date}`;
  return info.language === 'sq' ? `${day} ${months[month - 1]} ${year}` : `${months[month - 1]} ${day}, ${year}`;
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** One sentence, words only (capitalised, with punctuation), as an array of tokens. */
function sentence(random: Random, language: Language, out: string[]): void {
  // 8–35 words, most between 14 and 26.
  const length = Math.max(8, Math.min(35, Math.round(20 + random.normal() * 6)));
  const commaAt = random.chance(0.45) ? random.int(4, length - 3) : -1;
  const numberAt = random.chance(0.2) ? random.int(2, length - 2) : -1;
  for (let position = 0; position < length; position++) {
    let word: string;
    if (position === numberAt) {
      const kind = random.int(0, 5);
      word =
        kind === 0 ? `${random.int(2, 99)}%`
        : kind === 1 ? `${random.int(1, 99)} ${language.code === 'sq' ? 'për qind' : 'per cent'}`
        : kind === 2 ? `${random.int(1, 99)},${pad(random.int(0, 999), 3)}`
        : kind === 3 ? `${random.int(1995, 2024)}`
        : kind === 4 ? `${random.int(1, 28)} ${random.pick(language.code === 'sq' ? monthsSq : monthsEn)} ${random.int(2005, 2024)}`
        : `${random.int(2, 500)}`;
    } else {
      word = drawWord(random, language);
    }
    if (position === 0) word = capitalize(word);
    if (position === commaAt) word += ',';
    out.push(word);
  }
  const last = out.length - 1;
  const end = random.next();
  out[last] += end < 0.93 ? '.' : end < 0.96 ? ';' : '?';
  // Footnote markers: ".12" glued to the full stop, or "[3]".
  if (random.chance(0.03)) out[last] += String(random.int(1, 120));
  else if (random.chance(0.01)) out[last] += ` [${random.int(1, 60)}]`;
}

/** Wraps words at `width` columns, hyphenating some long words at the line end. */
function wrap(words: string[], width: number, random: Random, lines: string[]): void {
  let line = '';
  for (const word of words) {
    if (!line) {
      line = word;
      continue;
    }
    if (line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    const room = width - line.length - 2;
    if (word.length >= 8 && room >= 3 && !word.includes('-') && /^[\p{L}]+[.,;?]?$/u.test(word) && random.chance(0.3)) {
      const cut = Math.min(room, word.length - 3);
      if (cut >= 3) {
        lines.push(`${line} ${word.slice(0, cut)}-`);
        line = word.slice(cut);
        continue;
      }
    }
    lines.push(line);
    line = word;
  }
  if (line) lines.push(line);
}

/** The full text of source `index`. Deterministic for (seed, index). */
export function sourceText(seed: number, info: SourceInfo): string {
  const random = new Random(seed, 'text', info.index);
  const language = languages(seed)[info.language];
  const width = random.chance(0.8) ? 100 : random.int(72, 96);
  const lines: string[] = [];
  if (info.markdown) {
    lines.push('---', `title: ${yamlString(info.title)}`);
    if (info.authors.length) lines.push(`author: [${info.authors.map(yamlString).join(', ')}]`);
    if (info.authors.length === 0 || random.chance(0.5)) lines.push(`publisher: ${yamlString(info.publisher)}`);
    if (info.date) lines.push(`date: ${info.date}`);
    lines.push(`language: ${info.language}`, `type: ${info.type}`, '---', '', `# ${info.title}`, '');
  } else {
    lines.push(info.title, info.publisher);
    const dateLine = formatDateLine(info, random);
    if (dateLine) lines.push(dateLine);
    lines.push('');
  }
  let bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
  let sinceHeading = 0;
  let section = 1;
  const words: string[] = [];
  while (bytes < info.size) {
    if (sinceHeading > random.int(4, 12)) {
      const heading = capitalize(Array.from({ length: random.int(2, 6) }, () => drawWordFromRanks(random, language, 30, 5000)).join(' '));
      const text = info.markdown ? `## ${section}. ${heading}` : `${section}. ${heading}`;
      lines.push(text, '');
      bytes += text.length + 2;
      section++;
      sinceHeading = 0;
    }
    words.length = 0;
    const sentences = random.int(3, 8);
    for (let index = 0; index < sentences; index++) sentence(random, language, words);
    const before = lines.length;
    wrap(words, width, random, lines);
    for (let index = before; index < lines.length; index++) bytes += lines[index].length + 1;
    lines.push('');
    bytes++;
    sinceHeading++;
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Corpus on disk, cached.

export interface CorpusStats {
  version: number;
  seed: number;
  size: number;
  files: number;
  bytes: number;
  markdown: number;
  languages: Record<string, number>;
  undated: number;
  /** Seconds spent generating (0 when taken from the cache). */
  seconds: number;
  /** Bytes written per second while generating. */
  mbPerSecond: number;
  linked: number;
}

export function corpusDir(size: number, seed = defaultSeed): string {
  return path.join(benchDir, `corpus-v${generatorVersion}-seed${seed}-n${size}`);
}

function statsFile(size: number, seed: number): string {
  return `${corpusDir(size, seed)}.json`;
}

/** Returns the cached corpus of `size` sources, generating it first if needed. */
export function ensureCorpus(size: number, seed = defaultSeed, log: (line: string) => void = () => undefined): CorpusStats {
  const dir = corpusDir(size, seed);
  if (existsSync(statsFile(size, seed)) && existsSync(dir)) {
    const cached = JSON.parse(readFileSync(statsFile(size, seed), 'utf8')) as CorpusStats;
    return cached;
  }
  // Other cached corpora of this version and seed hold the same files for the indices they share.
  const donors = existsSync(benchDir)
    ? readdirSync(benchDir)
        .map((name) => new RegExp(`^corpus-v${generatorVersion}-seed${seed}-n(\\d+)$`).exec(name))
        .filter((match): match is RegExpExecArray => match !== null && existsSync(path.join(benchDir, `${match[0]}.json`)))
        .map((match) => ({ dir: path.join(benchDir, match[0]), size: Number(match[1]) }))
        .sort((a, b) => b.size - a.size)
    : [];
  const temporary = `${dir}.partial`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const started = performance.now();
  let bytes = 0;
  let generatedBytes = 0;
  let linked = 0;
  let markdown = 0;
  let undated = 0;
  const languageCounts: Record<string, number> = {};
  languages(seed);
  let lastLog = started;
  for (let index = 0; index < size; index++) {
    const info = sourceInfo(seed, index);
    const target = path.join(temporary, info.relativePath);
    mkdirSync(path.dirname(target), { recursive: true });
    const donor = donors.find((candidate) => candidate.size > index);
    let written = false;
    if (donor) {
      try {
        linkSync(path.join(donor.dir, info.relativePath), target);
        written = true;
        linked++;
      } catch {
        written = false;
      }
    }
    if (!written) {
      const text = sourceText(seed, info);
      writeFileSync(target, text);
      generatedBytes += Buffer.byteLength(text);
    }
    if (written) bytes += statSync(target).size;
    if (info.markdown) markdown++;
    if (!info.date) undated++;
    languageCounts[info.language] = (languageCounts[info.language] ?? 0) + 1;
    const now = performance.now();
    if (now - lastLog > 5000) {
      lastLog = now;
      log(`  generating ${path.basename(dir)}: ${index + 1}/${size} sources, ${(generatedBytes / 1e6).toFixed(0)} MB in ${((now - started) / 1000).toFixed(0)} s`);
    }
  }
  // Bytes of generated files (not linked ones) were counted as written.
  bytes += generatedBytes;
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  renameSync(temporary, dir);
  const stats: CorpusStats = {
    version: generatorVersion,
    seed,
    size,
    files: size,
    bytes,
    markdown,
    languages: languageCounts,
    undated,
    seconds,
    mbPerSecond: generatedBytes / 1e6 / Math.max(seconds, 1e-9),
    linked,
  };
  writeFileSync(statsFile(size, seed), `${JSON.stringify(stats, null, 2)}\n`);
  return stats;
}

// ---------------------------------------------------------------------------------------------------
// Report: ~50,000 words, 500 citations, 300 quotes (≈10% altered) taken from the corpus.

export interface ReportQuote {
  key: string;
  text: string;
  altered: boolean;
  blockquote: boolean;
}

export interface GeneratedReport {
  path: string;
  text: string;
  words: number;
  citations: number;
  quotes: ReportQuote[];
  unknownKeys: number;
}

/** The body of a source file as running text, paragraph by paragraph (front matter, title and headings dropped). */
export function sourceParagraphs(raw: string): string[] {
  let body = raw;
  if (body.startsWith('---\n')) body = body.slice(body.indexOf('\n---\n', 4) + 5);
  const paragraphs = body.split(/\n\s*\n/);
  return paragraphs
    .filter((paragraph) => paragraph.split('\n').length >= 2 && !/^#/.test(paragraph.trim()))
    .map((paragraph) =>
      paragraph
        .replace(/(\p{L})-\n(?=\p{L})/gu, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    );
}

/** A paragraph's sentences, with footnote markers removed as an author quoting the source would. */
export function paragraphSentences(paragraph: string): string[] {
  return paragraph
    // Only after a word: "55,377" and "2019.12" are numbers to the tokenizer, not markers.
    .replace(/(\p{L}[.,;:?])\d{1,3}(?=\s|$)/gu, '$1')
    .replace(/ \[\d{1,3}\]/g, '')
    .split(/(?<=[.;?])\s+/)
    .filter(Boolean);
}

export function reportPath(size: number, seed = defaultSeed): string {
  return path.join(benchDir, `report-v${generatorVersion}-seed${seed}-n${size}.md`);
}

export function generateReport(size: number, seed = defaultSeed): GeneratedReport {
  const random = new Random(seed, 'report', size);
  const en = languages(seed).en;
  const dir = corpusDir(size, seed);
  const quoteCount = 300;
  const alteredCount = 30;
  const plainCitations = 200;
  const unknownKeys = 5;
  const infos = new Map<number, SourceInfo>();
  const info = (index: number) => {
    let found = infos.get(index);
    if (!found) infos.set(index, (found = sourceInfo(seed, index)));
    return found;
  };

  // Quotes, verbatim from random sources.
  const alteredAt = new Set<number>();
  while (alteredAt.size < alteredCount) alteredAt.add(random.int(0, quoteCount - 1));
  const quotes: ReportQuote[] = [];
  while (quotes.length < quoteCount) {
    const source = info(random.int(0, size - 1));
    const paragraphs = sourceParagraphs(readFileSync(path.join(dir, source.relativePath), 'utf8'));
    if (!paragraphs.length) continue;
    const sentences = paragraphSentences(random.pick(paragraphs)).filter((candidate) => candidate.split(' ').length >= 10);
    if (!sentences.length) continue;
    const tokens = random.pick(sentences).split(' ');
    const length = random.int(8, Math.min(30, tokens.length));
    const start = random.int(0, tokens.length - length);
    let span = tokens.slice(start, start + length);
    const altered = alteredAt.has(quotes.length);
    if (altered) {
      const position = random.int(1, span.length - 2);
      const kind = random.int(0, 2);
      if (kind === 0) span[position] = drawWordFromRanks(random, languages(seed)[source.language], 50, 5000);
      else if (kind === 1) span = [...span.slice(0, position), ...span.slice(position + 1)];
      else span = [...span.slice(0, position), drawWordFromRanks(random, languages(seed)[source.language], 50, 5000), ...span.slice(position)];
    }
    const text = span.join(' ').replace(/[.,;?]+$/, '');
    quotes.push({ key: source.key, text, altered, blockquote: random.chance(0.1) });
  }

  // Plain citations: mostly single keys, some groups, a few mistyped keys.
  const citations: string[] = [];
  for (let index = 0; index < plainCitations; index++) {
    if (index < unknownKeys) {
      const key = info(random.int(0, size - 1)).key;
      const at = random.int(1, key.length - 2);
      citations.push(`[@${key.slice(0, at)}${key[at] === 'x' ? 'y' : 'x'}${key.slice(at + 1)}]`);
    } else if (random.chance(0.1)) {
      citations.push(`[@${info(random.int(0, size - 1)).key}; @${info(random.int(0, size - 1)).key}]`);
    } else {
      citations.push(`[@${info(random.int(0, size - 1)).key}${random.chance(0.3) ? `, p. ${random.int(1, 80)}` : ''}]`);
    }
  }
  const order = [...quotes.map((quote) => ({ quote })), ...citations.map((citation) => ({ citation }))] as ({ quote: ReportQuote } | { citation: string })[];
  for (let index = order.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [order[index], order[other]] = [order[other], order[index]];
  }

  const filler = (count: number) => {
    const words: string[] = [];
    for (let index = 0; index < count; index++) words.push(drawWord(random, en));
    words[0] = capitalize(words[0]);
    return words.join(' ');
  };
  const leadIns = ['The report states that', 'According to the source,', 'One interviewee said that', 'As the authors note,', 'Staff described how', 'The study found that', 'Officials told researchers that'];
  const lines: string[] = [
    '---',
    'title: "Albania: Synthetic Benchmark Report"',
    'citewise:',
    `  corpus: ${path.basename(dir)}`,
    '  timeframe:',
    '    from: 2015-01-01',
    '    to: 2023-12-31',
    '    languages:',
    '      sq: { from: 2016-01-01, to: 2023-06-30 }',
    '---',
    '',
    '# Albania: Synthetic Benchmark Report',
    '',
    '## Methodology',
    '',
    'This report is generated for benchmarking; its prose is random and only its quotes come from the corpus.',
    '',
  ];
  const targetWords = 50_000;
  const paragraphCount = 430;
  let words = 0;
  let next = 0;
  let section = 1;
  for (let paragraph = 0; paragraph < paragraphCount; paragraph++) {
    if (paragraph % 4 === 0) lines.push(`## ${section++}. ${capitalize(filler(random.int(2, 5)).toLowerCase())}`, '');
    const due = Math.round(((paragraph + 1) * order.length) / paragraphCount);
    const sentences: string[] = [];
    const remainingParagraphs = paragraphCount - paragraph;
    const wordsPerParagraph = (targetWords - words) / remainingParagraphs;
    let paragraphWords = 0;
    const blockquotes: string[] = [];
    while (next < due || paragraphWords < wordsPerParagraph) {
      if (next < due && random.chance(0.5)) {
        const item = order[next++];
        if ('quote' in item) {
          const quote = item.quote;
          if (quote.blockquote) {
            blockquotes.push(`> ${quote.text}.`, '', `Source: [@${quote.key}]`, '');
          } else {
            sentences.push(`${random.pick(leadIns)} “${quote.text}” [@${quote.key}].`);
          }
          paragraphWords += quote.text.split(' ').length + 5;
        } else {
          const length = random.int(12, 28);
          sentences.push(`${filler(length)} ${item.citation}.`);
          paragraphWords += length;
        }
      } else {
        const length = random.int(10, 30);
        sentences.push(`${filler(length)}.`);
        paragraphWords += length;
      }
    }
    words += paragraphWords;
    const wrapped: string[] = [];
    wrap(sentences.join(' ').split(' '), 100, new Random(seed, 'report-wrap', paragraph), wrapped);
    lines.push(...wrapped, '');
    if (blockquotes.length) lines.push(...blockquotes);
  }
  lines.push('## References', '', 'Generated from the corpus.', '');
  const text = lines.join('\n');
  const file = reportPath(size, seed);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  const citationCount = quoteCount + plainCitations;
  return { path: file, text, words: text.split(/\s+/).length, citations: citationCount, quotes, unknownKeys };
}

// ---------------------------------------------------------------------------------------------------

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const seed = Number(option('--seed') ?? defaultSeed);
  const sizes = (option('--size') ?? option('--sizes') ?? '100').split(',').map(Number);
  for (const size of sizes) {
    const stats = ensureCorpus(size, seed, (line) => console.log(line));
    console.log(
      `corpus n=${size}: ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.files} files, ` +
        (stats.seconds ? `generated in ${stats.seconds.toFixed(1)} s (${stats.mbPerSecond.toFixed(1)} MB/s, ${stats.linked} linked)` : 'cached'),
    );
    const started = performance.now();
    const report = generateReport(size, seed);
    console.log(`report: ${report.words} words, ${report.citations} citations, ${report.quotes.length} quotes in ${((performance.now() - started) / 1000).toFixed(2)} s → ${report.path}`);
  }
}
