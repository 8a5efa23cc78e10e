import type { Range, TextEdit } from 'vscode-languageserver-types';
import { parseCitations, type CitationGroup } from '../report/citations';
import { LineIndex } from '../report/line-index';
import { parseMarkdown } from '../report/markdown';

function citationGroups(text: string): CitationGroup[] {
  return parseCitations(parseMarkdown(text).prose);
}

/** How often a report cites each key, in order of first citation: what a view of the corpus marks sources with. */
export function citationCounts(text: string): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const group of citationGroups(text)) {
    for (const item of group.items) counts.set(item.key, (counts.get(item.key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => ({ key, count }));
}

/**
 * The edit that cites a key at a selection. Inside a bracketed group the key joins it, before the closing
 * bracket, so that a group is never broken in two; elsewhere `[@key]` replaces the selection.
 */
export function citeKeyEdit(text: string, selection: Range, key: string): TextEdit {
  const lines = new LineIndex(text);
  const offset = lines.offsetAt(selection.start);
  const group = citationGroups(text).find((candidate) => candidate.bracketed && offset > candidate.start && offset < candidate.end);
  if (!group) return { range: selection, newText: `[@${key}]` };
  const closing = lines.positionAt(group.end - 1);
  return { range: { start: closing, end: closing }, newText: `; @${key}` };
}
