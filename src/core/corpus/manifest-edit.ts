import { isMap, isSeq, parseDocument, YAMLMap } from 'yaml';

/**
 * The text of `corpus.yaml` with a source's date set, as the author confirmed it: the entry for the
 * document (`file:`) gets `date:`, or a new entry is appended. Comments and the other entries are kept, so
 * the editor can apply the change as one undoable edit. Returns undefined when the file is not a mapping
 * with a `sources:` list, which the author must fix first (the corpus problem says where).
 */
export function manifestWithDate(manifest: string, file: string, date: string): string | undefined {
  const document = parseDocument(manifest.trim() === '' ? 'sources: []\n' : manifest);
  if (document.errors.length > 0 || (document.contents !== null && !isMap(document.contents))) return undefined;
  if (!document.has('sources')) document.set('sources', document.createNode([]));
  const sources = document.get('sources');
  if (!isSeq(sources)) return undefined;
  const entry = sources.items.find((item): item is YAMLMap => isMap(item) && item.get('file') === file);
  if (entry) entry.set('date', date);
  else {
    const node = document.createNode({ file, date });
    // A list written inline ('sources: []') is rewritten as a block, like every entry an author writes.
    sources.flow = false;
    sources.items.push(node);
  }
  return document.toString();
}
