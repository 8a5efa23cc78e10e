import { timeframeStatus, type CheckResult, type TimeframeStatus } from '../checks/checks';
import type { ReferenceCandidate } from './reference-resolution';
import type { ReferenceKind } from './references';
import type { ReferenceSpan } from './report';
import type { EffectiveSettings } from '../settings/settings';
import type { CorpusSummary } from '../corpus/corpus-service';

/**
 * Every reference a report makes, Pandoc citations and free-text references alike, with the source
 * each rests on and the date its time-frame verdict used: the list a reviewer reads beside the report.
 */
export interface ListedReference {
  start: number;
  end: number;
  origin: 'citation' | ReferenceSpan['origin'];
  /** The reference as written: `@key, p. 35`, or the free text. */
  text: string;
  /** The source it rests on: the cited key when the corpus has it, or the source a free-text reference resolved to. */
  key?: string;
  /** The free-text reference's own reading of itself. */
  contributors?: string;
  title?: string;
  kind?: ReferenceKind;
  locator?: string;
  /** Close sources, for a free-text reference that did not resolve. */
  candidates: ReferenceCandidate[];
  date?: string;
  dateFrom: 'source' | 'reference' | 'none';
  /** `unknown-source` for a citation whose key the corpus does not have. */
  timeframe: TimeframeStatus | 'unknown-source';
  quotes: number;
}

export function listReferences(result: CheckResult, corpus: CorpusSummary | undefined, settings: EffectiveSettings): ListedReference[] {
  const listed: ListedReference[] = [];
  const quotesBy = new Map<unknown, number>();
  for (const quote of result.report.quotes) {
    for (const item of quote.attribution?.items ?? []) quotesBy.set(item, (quotesBy.get(item) ?? 0) + 1);
  }
  for (const group of result.report.citations) {
    for (const item of group.items) {
      const source = corpus?.get(item.key);
      const verdict = timeframeStatus(source?.metadata.date, source?.metadata.language, source?.metadata.type, settings);
      listed.push({
        start: item.start,
        end: item.end,
        origin: 'citation',
        text: result.report.structure.text.slice(item.start, item.end),
        key: source ? item.key : undefined,
        locator: item.locator?.text,
        candidates: [],
        date: source?.metadata.date,
        dateFrom: source?.metadata.date ? 'source' : 'none',
        timeframe: source ? verdict.status : 'unknown-source',
        quotes: quotesBy.get(item) ?? 0,
      });
    }
  }
  for (const checked of result.references) {
    const { reference } = checked;
    listed.push({
      start: reference.start,
      end: reference.end,
      origin: checked.origin,
      text: reference.text,
      key: checked.resolution.key,
      contributors: reference.contributors,
      title: reference.title,
      kind: reference.kind,
      locator: reference.locator?.text,
      candidates: checked.resolution.key ? [] : checked.resolution.candidates,
      date: checked.date,
      dateFrom: checked.dateFrom,
      timeframe: checked.timeframe,
      quotes: checked.quotes,
    });
  }
  return listed.sort((a, b) => a.start - b.start);
}
