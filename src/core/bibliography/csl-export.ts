import type { Source, SourceMetadata } from '../corpus/source';
import { parseName, type CslItem, type CslName } from './bibtex-csl';

/** CSL-JSON written for pandoc (`citewise bib`). */
const outgoingTypes: Record<string, string> = {
  article: 'article-journal',
  news: 'article-newspaper',
  report: 'report',
  thesis: 'thesis',
  legislation: 'legislation',
  interview: 'interview',
};

/** A name written in front matter or a manifest: "Family, Given" (or "Family, Jr., Given"), else one literal name, such as an organisation. */
function toCslName(name: string): CslName {
  return (name.includes(',') && parseName(name, false)) || { literal: name.trim() };
}

/**
 * CSL-JSON for pandoc. A source a bibliography describes is written as pandoc reads that entry, so a
 * report renders the same from `citewise bib` as from the original file; only fields that came from
 * elsewhere (a manifest, front matter, the document) are added to it.
 */
export function toCslJson(sources: readonly (Pick<Source, 'key' | 'metadata'> & Partial<Pick<Source, 'csl' | 'provenance'>>)[]): CslItem[] {
  return sources.map(({ key, metadata, csl, provenance }) => {
    const from = (field: keyof SourceMetadata): boolean => !csl || provenance?.[field]?.origin !== 'bibliography';
    const item: CslItem = { id: key, type: (metadata.type && outgoingTypes[metadata.type]) || 'document' };
    if (metadata.title && from('title')) item.title = metadata.title;
    if (metadata.author?.length && from('author')) item.author = metadata.author.map(toCslName);
    if (metadata.publisher && from('publisher')) item.publisher = metadata.publisher;
    if (metadata.date && from('date')) {
      const parts = metadata.date.split('-').map(Number).filter((part) => Number.isInteger(part));
      if (parts.length) item.issued = { 'date-parts': [parts] };
    }
    if (metadata.language && from('language')) item.language = metadata.language;
    if (metadata.url && from('url')) item.URL = metadata.url;
    if (metadata.derivedFrom?.length) item['derived-from'] = metadata.derivedFrom.join(', ');
    return csl ? { ...item, ...csl, id: key } : item;
  });
}
