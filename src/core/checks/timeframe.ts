import { isoDateRange } from '../metadata/dates';
import type { Timeframe } from '../metadata/schema';

/** The research time frame a source is judged by: the report's, or the one for the source's language. */
export interface Frame {
  from?: string;
  to?: string;
  language?: string;
}

export function frameFor(timeframe: Timeframe, language: string | undefined): Frame {
  const base = language?.split('-')[0];
  const specific = base ? timeframe.languages?.[base] : undefined;
  if (specific) return { from: specific.from ?? timeframe.from, to: specific.to ?? timeframe.to, language: base };
  return { from: timeframe.from, to: timeframe.to };
}

/** A partial date is a range; it is outside the frame only when all of it is. */
export function isOutside(date: string, frame: Frame): boolean {
  const range = isoDateRange(date);
  if (frame.from && range.end < isoDateRange(frame.from).start) return true;
  if (frame.to && range.start > isoDateRange(frame.to).end) return true;
  return false;
}

export function describeFrame(frame: Frame): string {
  if (frame.from && frame.to) return `${frame.from} – ${frame.to}`;
  if (frame.from) return `from ${frame.from}`;
  return `until ${frame.to}`;
}

