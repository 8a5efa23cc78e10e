import * as vscode from 'vscode';
import type { SearchHit } from '../core/search/search';
import { runningText } from '../core/service/source-details';
import { activeReportUri, openSource, type CitewiseBackend } from './backend';

interface HitItem extends vscode.QuickPickItem {
  hit: SearchHit;
}

/**
 * Citewise: Search Corpus. Results follow the typing; a chosen passage can be opened in its source or
 * inserted into the report as a quote with its citation.
 */
export function registerSearchCorpus(backend: CitewiseBackend): vscode.Disposable {
  return vscode.commands.registerCommand('citewise.searchCorpus', async (initialQuery?: string) => {
    const targetEditor = vscode.window.activeTextEditor;
    const uri = activeReportUri();
    const corpus = await backend.request('citewise/sources', { uri });
    if (!corpus) {
      void vscode.window.showInformationMessage('Citewise: no corpus is configured. Declare one in citewise.yaml, in a report’s front matter, or in the citewise.corpus setting.');
      return;
    }
    const pick = vscode.window.createQuickPick<HitItem>();
    pick.title = `Search Corpus (${corpus.sources.length} sources)`;
    const titles = new Map(corpus.sources.map((source) => [source.key, source.metadata.title]));
    pick.placeholder = 'Words in any order, "an exact phrase", or word* for a prefix';
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    let timer: NodeJS.Timeout | undefined;
    let latest = 0;
    const update = async (query: string) => {
      const asked = ++latest;
      let hits: SearchHit[];
      try {
        hits = (await backend.request('citewise/search', { uri, query, limit: 50 })) ?? [];
      } catch (error) {
        if (asked === latest) {
          pick.busy = false;
          void vscode.window.showErrorMessage(`Citewise: the search failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        return;
      }
      // Answers to earlier keystrokes that arrive late are dropped.
      if (asked !== latest) return;
      pick.items = hits.map((hit) => ({
        label: `${hit.key}:${hit.line}`,
        description: titles.get(hit.key),
        detail: hit.snippet,
        alwaysShow: true,
        hit,
      }));
      pick.busy = false;
    };
    pick.onDidChangeValue((value) => {
      clearTimeout(timer);
      pick.busy = true;
      timer = setTimeout(() => void update(value), 60);
    });
    const chosen = await new Promise<SearchHit | undefined>((resolve) => {
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.hit);
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      if (typeof initialQuery === 'string' && initialQuery) {
        pick.value = initialQuery;
        pick.busy = true;
        void update(initialQuery);
      }
      pick.show();
    });
    clearTimeout(timer);
    pick.dispose();
    if (!chosen) return;

    const canInsert = targetEditor !== undefined && targetEditor.document.languageId === 'markdown' && !targetEditor.document.isClosed;
    const choices = [
      ...(canInsert ? [{ label: '$(quote) Insert as quote with citation', id: 'insert' }] : []),
      { label: '$(go-to-file) Open passage in source', id: 'open' },
    ];
    const action = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: `${chosen.key}:${chosen.line}` });
    if (!action) return;
    if (action.id === 'open') {
      await openSource(backend, uri, chosen.key, chosen);
      return;
    }
    // The sentence around the passage: a window of the source's text is enough.
    const windowStart = Math.max(0, chosen.start - sentenceReach);
    const around = await backend.request('citewise/sourceText', { uri, key: chosen.key, from: windowStart, to: chosen.start + sentenceReach });
    const sentence = around === null ? sentenceAround(chosen.snippet, 0) : sentenceAround(around, chosen.start - windowStart);
    const editor = targetEditor!;
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await editor.edit((edit) => edit.replace(editor.selection, `“${sentence}” [@${chosen.key}]`));
  });
}

/** How far before and after an offset the sentence around it is looked for. */
const sentenceReach = 800;

/** The sentence of the source around an offset, unwrapped, for quoting it whole. */
function sentenceAround(text: string, offset: number): string {
  const before = text.slice(Math.max(0, offset - 600), offset);
  const startMatch = /[.!?…]["”’)]*\s+(?=[^.!?…]*$)/.exec(before);
  const start = startMatch ? offset - before.length + startMatch.index + startMatch[0].length : Math.max(0, offset - before.length);
  const after = text.slice(offset, offset + 800);
  const endMatch = /[.!?…](?=["”’)]*(\s|$))/.exec(after);
  const end = endMatch ? offset + endMatch.index + 1 : offset + after.length;
  // Double quotes inside the sentence become single ones, since the whole is put in double quotes.
  return runningText(text.slice(start, end)).replace(/[“”]/g, (mark) => (mark === '“' ? '‘' : '’'));
}
