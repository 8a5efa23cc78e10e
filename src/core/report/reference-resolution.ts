import { isoDateRange, isValidIsoDate } from '../metadata/dates';
import type { FreeTextReference } from './references';
import type { Source } from '../corpus/source';

/**
 * Resolving a free-text reference (`Publisher, “Title”, 15 June 2023`) to a source of the corpus. A
 * resolved reference is checked like a Pandoc citation: its quotes are verified against that source's
 * text. A wrong resolution would verify a quote against the wrong document, which is worse than none,
 * so a reference resolves only to a source whose title matches it closely, whose date does not
 * contradict it, and which no other source matches nearly as well. Otherwise it stays unresolved, and
 * the sources that came close are named.
 */

export interface ReferenceCandidate {
  key: string;
  /** 0 to 1: how well the reference describes this source. */
  score: number;
  title?: string;
  date?: string;
  /** Why this candidate was not taken, where it came close. */
  reason?: string;
}

export interface ReferenceResolution {
  /** The source the reference resolved to. */
  key?: string;
  /** The sources that came closest, best first (the resolved one included). */
  candidates: ReferenceCandidate[];
}

/** The score a reference needs to resolve, and how far ahead of the next source it must be. */
const resolveAt = 0.85;
const leadOverNext = 0.1;
/** Below this a source is not worth naming as a candidate. */
const candidateAt = 0.45;
const maxCandidates = 3;
/** What an exact date agreeing with a titled reference adds to its score. */
const exactDateBonus = 0.1;
/** Sources scored in full per reference: those sharing the most words with it. */
const scoredPerReference = 60;

const stopWords = new Set(
  'the of and in on for a an to by with at from de des du la le et e i te të ne në per për und der die das pdf docx html htm'.split(' '),
);

/** Lower-case words without diacritics or stop words: how titles are compared. */
function titleWords(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !stopWords.has(word));
}

function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  const dice = (2 * shared) / (a.size + b.size);
  // A title cut short, or one with a subtitle the other leaves out, still names the same work when
  // every word of the shorter one is in the longer one; short titles need the full match.
  const smaller = Math.min(a.size, b.size);
  const containment = smaller >= 4 ? shared / smaller : 0;
  return Math.max(dice, 0.9 * containment);
}

interface SourceWords {
  source: Source;
  titles: Set<string>[];
  people: Set<string>;
}

/** An index of every source's title, file name and contributors; built once per corpus. */
export class ReferenceResolver {
  private readonly entries: SourceWords[];
  private readonly postings = new Map<string, number[]>();
  private readonly resolved = new Map<string, ReferenceResolution>();

  constructor(sources: readonly Source[]) {
    this.entries = sources.map((source) => {
      const titles = [source.metadata.title, source.relativePath?.replace(/^.*\//, '').replace(/\.[^.]+$/, '')]
        .filter((title): title is string => Boolean(title))
        .map((title) => new Set(titleWords(title)))
        .filter((words) => words.size > 0);
      const people = new Set(titleWords([source.metadata.publisher ?? '', ...(source.metadata.author ?? [])].join(' ')));
      return { source, titles, people };
    });
    this.entries.forEach((entry, index) => {
      const words = new Set([...entry.titles.flatMap((title) => [...title]), ...entry.people]);
      for (const word of words) {
        let list = this.postings.get(word);
        if (!list) this.postings.set(word, (list = []));
        list.push(index);
      }
    });
  }

  resolve(reference: FreeTextReference): ReferenceResolution {
    const id = `${reference.contributors ?? ''}\u0000${reference.title ?? ''}\u0000${reference.date ?? ''}`;
    let known = this.resolved.get(id);
    if (!known) {
      known = this.compute(reference);
      if (this.resolved.size > 20_000) this.resolved.clear();
      this.resolved.set(id, known);
    }
    return { key: known.key, candidates: known.candidates.map((candidate) => ({ ...candidate })) };
  }

  /**
   * The keys of the sources that could be among the reference's candidates (or be resolved to) whatever
   * their dates: those scored for it (dates play no part in which) whose score, with an agreeing date, could
   * reach a candidate's. So only these sources' dates can change how the reference resolves or is reported.
   */
  possibleCandidates(reference: FreeTextReference): string[] {
    const { title, people, entries } = this.scoredEntries(reference);
    return entries.filter((entry) => this.undatedPoints(title, people, entry) + (title.size > 0 ? exactDateBonus : 0) >= candidateAt).map((entry) => entry.source.key);
  }

  private compute(reference: FreeTextReference): ReferenceResolution {
    const { title, people, entries } = this.scoredEntries(reference);
    const scored = entries
      .map((entry) => this.score(reference, title, people, entry))
      .filter((candidate) => candidate.points >= candidateAt)
      .sort((a, b) => b.points - a.points || (a.candidate.key < b.candidate.key ? -1 : 1));
    const eligible = scored.filter(({ candidate }) => !candidate.reason);
    const [best, next] = eligible;
    const resolves = best && best.points >= resolveAt && (!next || next.points <= best.points - leadOverNext);
    if (best && !resolves && best.points >= resolveAt) best.candidate.reason = `@${next.candidate.key} matches the reference nearly as well`;
    else if (best && !resolves) best.candidate.reason = 'the title does not match closely enough';
    return { key: resolves ? best.candidate.key : undefined, candidates: scored.slice(0, maxCandidates).map(({ candidate }) => candidate) };
  }

  /** The reference's words, and the sources scored in full for it: those sharing the most words with it. */
  private scoredEntries(reference: FreeTextReference): { title: Set<string>; people: Set<string>; entries: SourceWords[] } {
    const title = new Set(titleWords(reference.title ?? ''));
    const people = new Set(titleWords([reference.publisher ?? '', ...reference.authors, reference.contributors ?? ''].join(' ')));
    const shared = new Map<number, number>();
    for (const word of new Set([...title, ...people])) {
      for (const index of this.postings.get(word) ?? []) shared.set(index, (shared.get(index) ?? 0) + 1);
    }
    const entries = [...shared.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, scoredPerReference)
      .map(([index]) => this.entries[index]);
    return { title, people, entries };
  }

  /** Title similarity, plus a little for agreeing contributors and an agreeing exact date (so `points` may pass 1). */
  private score(reference: FreeTextReference, title: Set<string>, people: Set<string>, entry: SourceWords): { candidate: ReferenceCandidate; points: number } {
    const { source } = entry;
    const candidate: ReferenceCandidate = { key: source.key, score: 0, title: source.metadata.title, date: source.metadata.date };
    let points = this.undatedPoints(title, people, entry);
    // An untitled reference (an interview, a letter) names only who and when; both must agree exactly.
    if (title.size === 0 && !sameDay(reference.date, source.metadata.date)) points = Math.min(points, 0.8);
    const agreement = datesAgree(reference.date, source.metadata.date);
    if (agreement === 'conflict') candidate.reason = `dated ${source.metadata.date}, the reference says ${reference.dateText ?? reference.date}`;
    else if (agreement === 'exact' && title.size > 0) points += exactDateBonus;
    candidate.score = Math.min(1, Math.round(points * 100) / 100);
    return { candidate, points };
  }

  /** The score before dates are compared: title similarity and agreeing contributors (or, untitled, who alone). */
  private undatedPoints(title: Set<string>, people: Set<string>, entry: SourceWords): number {
    const byPeople = similarity(people, entry.people);
    if (title.size > 0) return Math.max(0, ...entry.titles.map((words) => similarity(title, words))) + (byPeople >= 0.5 ? 0.1 : 0);
    return Math.max(byPeople, ...entry.titles.map((words) => similarity(people, words)));
  }
}

/** Two dates agree when one lies within the other (`2022` and `2022-07`); `exact` when they name the same month or day. */
function datesAgree(written: string | undefined, recorded: string | undefined): 'exact' | 'compatible' | 'conflict' | 'unknown' {
  if (!written || !recorded || !isValidIsoDate(written) || !isValidIsoDate(recorded)) return 'unknown';
  const a = isoDateRange(written);
  const b = isoDateRange(recorded);
  if (a.end < b.start || b.end < a.start) return 'conflict';
  return written.length >= 7 && written === recorded ? 'exact' : 'compatible';
}

function sameDay(written: string | undefined, recorded: string | undefined): boolean {
  return Boolean(written && recorded && written.length === 10 && written === recorded);
}
