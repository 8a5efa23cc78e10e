import * as path from 'node:path';
import { inferPublicationDate } from './dates';
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

/** The first heading, else the first line that reads like a title, cleaned of Markdown emphasis. */
export function inferTitle(text: string): { title: string; line: number } | undefined {
  const lines = text.split("\n", 200);
  // A heading far down the text is a chapter, not the title.
  for (let index = 0; index < Math.min(lines.length, 40); index++) {
    const heading = /^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(lines[index]);
    if (heading) {
      const title = cleanTitle(heading[1]);
      if (title) return { title, line: index + 1 };
    }
  }
  for (let index = 0; index < lines.length; index++) {
    const title = cleanTitle(lines[index]);
    if (title && /\p{L}/u.test(title)) return { title, line: index + 1 };
  }
  return undefined;
}

function cleanTitle(line: string): string {
  const cleaned = line
    .replace(/\[bookmark:[^\]]*\]/g, '')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 200 ? `${cleaned.slice(0, 197).replace(/\s+\S*$/, '')}…` : cleaned;
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
