import { formatIsoDate, parseLooseDate } from '../metadata/dates';
import { languageCode } from '../metadata/language';
import type { CslItem } from './bibtex-csl';

/**
 * Reading the bibliographies reference managers export (BibTeX/biblatex from Zotero, Better BibTeX,
 * JabRef, Mendeley; CSL-JSON) into source fields, and writing CSL-JSON for Pandoc.
 *
 * Parsing never throws: a bad entry becomes a problem at the line where it starts and the rest still
 * loads, because one broken entry in a 500-entry export must not hide the other 499.
 * Values are returned unvalidated; the caller runs them through SourceFieldsSchema.
 */

export interface BibliographyEntry {
  key: string;
  /** 1-based line where the entry starts in the file. */
  line: number;
  /** Only the fields present; shaped as SourceFieldsSchema input. */
  fields: {
    title?: string;
    author?: string[];
    publisher?: string;
    date?: string;
    language?: string;
    type?: string;
    url?: string;
    derivedFrom?: string[];
  };
  /** Document paths the entry links to, as written in the file (unescaped, not resolved). */
  files: string[];
  /** The entry as pandoc reads it, which `citewise bib` writes out; the fields above are drawn from it. */
  csl: CslItem;
}

export interface BibliographyProblem {
  line: number;
  message: string;
}

export interface ParsedBibliography {
  entries: BibliographyEntry[];
  problems: BibliographyProblem[];
}

/**
 * A date as exported metadata writes it ('2022-09-21', '21 September 2022', 'Sep. 2022', '2022-09-21T10:00'),
 * as YYYY, YYYY-MM or YYYY-MM-DD; EDTF's marks of uncertainty (?, ~, %) are dropped.
 */
export function exportedDate(raw: string): string | undefined {
  const date = parseLooseDate(raw.replace(/[?~%]/g, ''));
  return date && formatIsoDate(date);
}

export function doiToUrl(raw: string): string | undefined {
  const doi = raw.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  return doi ? `https://doi.org/${doi}` : undefined;
}

export function splitKeys(raw: string): string[] {
  return raw
    .split(/[,;]/)
    .map((key) => key.trim().replace(/^@/, ''))
    .filter(Boolean);
}

/**
 * An export in which every entry says `langid = {Anglais}` has one problem, not one per entry: it is
 * reported once, at the first entry, with the number of entries.
 */
export class UnknownLanguages {
  private readonly seen = new Map<string, { line: number; count: number }>();

  /** The language code for a language field; an unknown name is noted for the file's problems. */
  code(language: string, line: number): string | undefined {
    const code = languageCode(language);
    if (code) return code;
    const found = this.seen.get(language);
    if (found) found.count++;
    else this.seen.set(language, { line, count: 1 });
    return undefined;
  }

  problems(): BibliographyProblem[] {
    return [...this.seen].map(([language, { line, count }]) => ({
      line,
      message: `language "${language}" is not one this tool knows${count > 1 ? ` (${count} entries, the first here)` : ''}; give an ISO code such as en or sq`,
    }));
  }
}
