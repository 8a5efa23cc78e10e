import type { EffectiveSettings } from '../core/settings';
import { frameFor, isOutside } from '../core/checks';
import type { Source } from '../core/source';

/** How a source stands against the report's time frame, in words a researcher reads at a glance. */
export function timeframeStatus(source: Source, settings: EffectiveSettings | undefined): { outside: boolean; text: string } | undefined {
  const timeframe = settings?.timeframe;
  if (!timeframe) return undefined;
  const date = source.metadata.date;
  const frame = frameFor(timeframe, source.metadata.language);
  const span = `${frame.from ?? '…'} – ${frame.to ?? '…'}${frame.language ? ` (${frame.language})` : ''}`;
  if (!date) return { outside: false, text: `Undated: cannot be checked against the time frame ${span}` };
  return isOutside(date, frame)
    ? { outside: true, text: `Outside the time frame ${span}` }
    : { outside: false, text: `Inside the time frame ${span}` };
}

export function byline(source: Source): string {
  const authors = source.metadata.author ?? [];
  const people = authors.length > 2 ? `${authors[0]} et al.` : authors.join('; ');
  return [people, source.metadata.publisher].filter(Boolean).join(' · ');
}

/** The first few lines of a source's text, unwrapped, for a preview. */
export function opening(text: string | undefined, length = 400): string | undefined {
  if (!text) return undefined;
  const unwrapped = text.replace(/([\p{L}\p{N}])-\s*\n\s*(?=\p{Ll})/gu, '$1').replace(/\s+/g, ' ').trim();
  if (!unwrapped) return undefined;
  return unwrapped.length > length ? `${unwrapped.slice(0, length).replace(/\s+\S*$/, '')} …` : unwrapped;
}
