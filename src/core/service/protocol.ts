/**
 * Citewise's requests beyond the Language Server Protocol, typed in this one place: the server
 * (src/lsp) answers them and the VS Code client (src/vscode) sends them, both through these maps, so a
 * name, its parameters and its result cannot drift apart (as rust-analyzer's lsp_ext.ts does it).
 */
import type { Location, Range, TextEdit } from 'vscode-languageserver-types';
import { z } from 'zod';
import type { SearchHit } from '../search/search';
import type { EffectiveSettings } from '../settings/settings';
import type { CorpusProblem, Source } from '../corpus/source';

/** The corpus a request is about: the one a report's settings name, else the first loaded, else the workspace's default. */
interface CorpusScope {
  /** A report's URI; without it, any loaded corpus. */
  uri?: string;
}

interface CorpusListing {
  roots: string[];
  sources: Source[];
  problems: CorpusProblem[];
  /** The settings of the report the corpus was found through, for time-frame marks; none for a corpus found otherwise. */
  settings?: EffectiveSettings;
  /** How often that report (its unsaved text when open) cites each key; none without a report. */
  citations?: { key: string; count: number }[];
}

interface CitewiseRequests {
  /** The sources and problems of a corpus; null when no corpus is configured. */
  'citewise/sources': { params: CorpusScope; result: CorpusListing | null };
  /** Full-text search of a corpus (null when there is none). */
  'citewise/search': { params: CorpusScope & { query: string; limit?: number }; result: SearchHit[] | null };
  /** Sources ranked by key, title, author, publisher and year, as citation completion ranks them. */
  'citewise/findSources': { params: CorpusScope & { query: string; limit?: number }; result: Source[] };
  /**
   * A source's text (extracted, for PDF and Word files), named by its file in any loaded corpus or by
   * its key in the scope's corpus; `from`/`to` take a slice. Null when there is none.
   */
  'citewise/sourceText': { params: ({ file: string } | (CorpusScope & { key: string })) & { from?: number; to?: number }; result: string | null };
  /** Where a source lives, at a passage (offsets in its text) when given. */
  'citewise/sourceLocation': { params: CorpusScope & { key: string; passage?: { start: number; end: number } }; result: Location | null };
  /** The edit that cites a key at a selection of a report: joining the citation group the selection is in, else `[@key]`. */
  'citewise/citeKey': { params: { uri: string; selection: Range; key: string }; result: TextEdit };
  /** Reads every loaded corpus again from scratch. */
  'citewise/rebuildIndex': { params: Record<string, never>; result: null };
}

export interface CitewiseNotifications {
  /** From the server: a corpus was loaded or reloaded, or settings changed; what a view shows may be stale. */
  'citewise/didChange': Record<string, never>;
}

export type CitewiseRequest = keyof CitewiseRequests;
export type RequestParams<Name extends CitewiseRequest> = CitewiseRequests[Name]['params'];
export type RequestResult<Name extends CitewiseRequest> = CitewiseRequests[Name]['result'];

/** Commands a client may carry out itself (they need its UI); the server offers their code actions only to a client that says it has them. */
export const clientCommands = { confirmSourceDate: 'citewise.confirmSourceDate' } as const;

/**
 * What a client tells the server when it starts (`initializationOptions`). Everything here is the user's
 * own choice (an editor's user settings, the command in the user's editor configuration), never the
 * workspace's: a corpus named here may lie anywhere, as one passed with `--corpus` may.
 */
export const InitializationOptionsSchema = z.object({
  /** The user's own Citewise settings (citewise.yaml's keys), the lowest layer, below the workspace's. */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Folders besides the workspace in which a workspace's files may name a corpus (as `--allow-corpus`). */
  allowCorpusIn: z.array(z.string()).optional(),
  /** False in an untrusted workspace: the workspace's own `citewise.corpus` setting is then ignored. */
  workspaceTrusted: z.boolean().optional(),
  /** A URI scheme under which the client shows a PDF's or Word file's extracted text (`<scheme>:<path>.txt`). */
  extractedTextScheme: z.string().regex(/^[a-z][a-z0-9+.-]*$/).optional(),
  /** Commands of `clientCommands` the client carries out itself. */
  commands: z.array(z.string()).optional(),
});

export type InitializationOptions = z.infer<typeof InitializationOptionsSchema>;

/**
 * The `citewise` section a client answers `workspace/configuration` with, per workspace folder: settings
 * that may come from the workspace, so a corpus named here must lie inside it. Besides citewise.yaml's
 * keys, the milliseconds to wait after typing before a check.
 */
export const EditorConfigurationSchema = z.looseObject({
  diagnostics: z.looseObject({ delay: z.number().int().min(0).optional() }).optional(),
});
