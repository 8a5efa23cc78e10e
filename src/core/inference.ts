import * as path from 'node:path';
import { findDateInText, inferPublicationDate } from './dates';
import { detectLanguage } from './language';

/** A citation key from a file name: "Asylos 2023 – Albania.md" becomes "asylos-2023-albania". */
export function keyFromFileName(relativePath: string): string {
  const base = path.posix.basename(relativePath).replace(/\.[^.]+$/, '');
  const slug = base
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .replace(/-{2,}/g, '-');
  return slug || 'source';
}

/**
 * The first heading near the top, else the first line that reads like a title (not a bare date or
 * page number), cleaned of Markdown emphasis. A title line ending in a colon continues on the next.
 */
export function inferTitle(text: string): { title: string; line: number } | undefined {
  const lines = text.split('\n', 400);
  const candidates: { text: string; line: number; heading: boolean }[] = [];
  for (let index = 0; index < lines.length && candidates.length < 5; index++) {
    const heading = /^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(lines[index]);
    const title = cleanTitle(heading ? heading[1] : lines[index]);
    if (title && /\p{L}/u.test(title)) candidates.push({ text: title, line: index + 1, heading: Boolean(heading) });
  }
  const chosen = candidates.find((candidate) => candidate.heading) ?? candidates.find((candidate) => !looksLikeDate(candidate.text));
  if (!chosen) return undefined;
  let title = chosen.text;
  const next = candidates.find((candidate) => candidate.line > chosen.line);
  if (title.endsWith(':') && next && !next.heading) title = `${title} ${next.text}`;
  return { title: title.length > 200 ? `${title.slice(0, 197).replace(/\s+\S*$/, '')}…` : title, line: chosen.line };
}

function looksLikeDate(line: string): boolean {
  const match = findDateInText(line);
  return match !== undefined && (line.slice(0, match.index) + line.slice(match.index + match.length)).replace(/[\s,.]/g, '').length < 4;
}

function cleanTitle(line: string): string {
  const cleaned = line
    .replace(/\[bookmark:[^\]]*\]/g, '')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned;
}

export interface InferredMetadata {
  key: string;
  title?: { value: string; line: number };
  date?: { value: string; line: number };
  language?: string;
}

export function inferMetadata(relativePath: string, text: string): InferredMetadata {
  const title = inferTitle(text);
  const date = inferPublicationDate(text);
  const language = detectLanguage(text);
  return {
    key: keyFromFileName(relativePath),
    title: title && { value: title.title, line: title.line },
    date: date && { value: date.date, line: date.line },
    language,
  };
}
