import type { CslItem } from '../bibliography/bibtex-csl';
import type { Confidence } from '../metadata/dates';
import type { SourceFields } from '../metadata/schema';

/** Where a metadata field's value came from; later origins win over earlier ones. */
export type FieldOrigin = 'inferred' | 'document-properties' | 'front-matter' | 'manifest' | 'bibliography';

export interface FieldProvenance {
  origin: FieldOrigin;
  /** Path of the file that supplied the value, relative to the corpus root. */
  file: string;
  /** 1-based line in that file, where known. */
  line?: number;
  /** For an inferred value: what it was read from ('date alone on a line', 'JSON-LD datePublished'). */
  cue?: string;
  /** For an inferred value: how far to trust it. Values an author or a bibliography wrote down have none. */
  confidence?: Confidence;
}

export type SourceMetadata = Omit<SourceFields, 'key'>;

export interface Source {
  key: string;
  metadata: SourceMetadata;
  provenance: Partial<Record<keyof SourceFields, FieldProvenance>>;
  /** The document's absolute path; absent for a metadata-only source. */
  path?: string;
  /** The document's path relative to its corpus root, with forward slashes. */
  relativePath?: string;
  /** The corpus root the source was loaded from. */
  corpusRoot: string;
  /** The bibliography entry as pandoc reads it, where a bibliography describes the source; `citewise bib` writes it out. */
  csl?: CslItem;
}

/** A problem found while loading the corpus: it names the file and line, and never stops the rest from loading. */
export interface CorpusProblem {
  /** Absolute path of the file at fault. */
  file: string;
  /** 1-based line, where the problem has one. */
  line?: number;
  column?: number;
  message: string;
  severity: 'error' | 'warning';
}
