import type { EffectiveSettings } from '../settings/settings';
import { frameFor, isOutside } from '../checks/timeframe';
import type { Source } from '../corpus/source';

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
  // An organisation is often both author and publisher; say it once.
  const publisher = source.metadata.publisher && !authors.includes(source.metadata.publisher) ? source.metadata.publisher : undefined;
  return [people, publisher].filter(Boolean).join(' · ');
}

/** The first lines of a source's text as running prose, without Markdown marks or a repeat of the title. */
export function opening(text: string | undefined, title?: string, length = 400): string | undefined {
  if (!text) return undefined;
  let prose = runningText(text.replace(/^\s*#{1,6}\s+/gm, '').replace(/[*_`]+/g, ''));
  if (title && prose.toLowerCase().startsWith(title.toLowerCase())) prose = prose.slice(title.length).trim();
  if (!prose) return undefined;
  return prose.length > length ? `${prose.slice(0, length).replace(/\s+\S*$/, '')} …` : prose;
}

/**
 * Hard-wrapped source text as one line: a word hyphenated at a line end is joined when it goes on in
 * lower case ("dy-\nnamics"), and runs of white space become one space.
 */
export function runningText(text: string): string {
  return text
    .replace(/([\p{L}\p{N}])-\s*\n\s*(?=\p{Ll})/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
