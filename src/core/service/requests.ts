import type { CorpusWorkspaces } from './corpus-workspaces';
import type { CitewiseLanguageService } from './language-service';
import type { CitewiseRequest, RequestParams, RequestResult } from './protocol';
import { citationCounts, citeKeyEdit } from './report-citations';

type CitewiseRequestHandlers = { [Name in CitewiseRequest]: (params: RequestParams<Name>) => Promise<RequestResult<Name>> };

/**
 * The answers to Citewise's own requests (see protocol.ts), over the editor's corpora: the language
 * server serves them to any client, and the VS Code extension's views and commands are built on them.
 */
export function citewiseRequestHandlers(workspaces: CorpusWorkspaces, service: CitewiseLanguageService, openText: (uri: string) => string | undefined): CitewiseRequestHandlers {
  const scope = (uri: string | undefined) => workspaces.scopeCorpus(uri, undefined);
  /** A report's text: the editor's, unsaved edits included (an untitled one has nothing else), else what is on disk. */
  const reportText = async (uri: string) => openText(uri) ?? (uri.startsWith('file:') ? await workspaces.readText(workspaces.reportPath(uri)).catch(() => '') : '');
  return {
    'citewise/sources': async ({ uri }) => {
      const { corpus, context } = await scope(uri);
      if (!corpus) return null;
      const citations = uri !== undefined && context ? citationCounts(await reportText(uri)) : undefined;
      return { roots: [...corpus.corpus.roots], sources: [...corpus.corpus.sources], problems: [...corpus.corpus.problems], settings: context?.settings, citations };
    },
    'citewise/search': async ({ uri, query, limit }) => {
      const { corpus } = await scope(uri);
      return corpus ? corpus.search(query, { limit: limit ?? 50 }) : null;
    },
    'citewise/findSources': async ({ uri, query, limit }) => {
      const { corpus } = await scope(uri);
      return corpus ? corpus.lookup.find(query, limit ?? 50).map(({ source }) => source) : [];
    },
    'citewise/sourceText': async (params) => {
      if ('file' in params) {
        const text = await workspaces.extractedText(params.file);
        return text === undefined ? null : params.from === undefined ? text : text.slice(params.from, params.to ?? params.from);
      }
      const { corpus } = await scope(params.uri);
      return (await corpus?.text(params.key, params.from, params.to)) ?? null;
    },
    'citewise/sourceLocation': async ({ uri, key, passage }) => {
      const { corpus } = await scope(uri);
      const source = corpus?.corpus.get(key);
      return (source && (await service.sourceLocation(source, corpus, passage))) ?? null;
    },
    'citewise/citeKey': async ({ uri, selection, key }) => citeKeyEdit(await reportText(uri), selection, key),
    'citewise/rebuildIndex': async () => {
      await workspaces.rebuild();
      return null;
    },
  };
}
