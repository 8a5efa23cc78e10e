import * as vscode from 'vscode';
import type { SearchHit } from '../core/search';
import type { Citewise } from './citewise';
import { sourceLocation } from './navigation';
import { runningText } from './source-details';

interface HitItem extends vscode.QuickPickItem {
  hit: SearchHit;
}

/**
 * Citewise: Search Corpus. Results follow the typing; a chosen passage can be opened in its source or
 * inserted into the report as a quote with its citation.
 */
export function registerSearchCorpus(citewise: Citewise): vscode.Disposable {
  return vscode.commands.registerCommand('citewise.searchCorpus', async (initialQuery?: string) => {
    const targetEditor = vscode.window.activeTextEditor;
    const { loaded } = await citewise.activeCorpus();
    if (!loaded) {
      void vscode.window.showInformationMessage('Citewise: no corpus is configured. Declare one in citewise.yaml, in a report’s front matter, or in the citewise.corpus setting.');
      return;
    }
    const search = await loaded.searchAsync();
    const pick = vscode.window.createQuickPick<HitItem>();
    pick.title = `Search Corpus (${loaded.corpus.sources.length} sources)`;
    pick.placeholder = 'Words in any order, "an exact phrase", or word* for a prefix';
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    let timer: NodeJS.Timeout | undefined;
    const update = (query: string) => {
      const hits = search.search(query, { limit: 50 });
      pick.items = hits.map((hit) => ({
        label: `${hit.key}:${hit.line}`,
        description: loaded.corpus.get(hit.key)?.metadata.title,
        detail: hit.snippet,
        alwaysShow: true,
        hit,
      }));
      pick.busy = false;
    };
    pick.onDidChangeValue((value) => {
      clearTimeout(timer);
      pick.busy = true;
      timer = setTimeout(() => update(value), 60);
    });
    const chosen = await new Promise<SearchHit | undefined>((resolve) => {
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.hit);
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      if (typeof initialQuery === 'string' && initialQuery) {
        pick.value = initialQuery;
        update(initialQuery);
      }
      pick.show();
    });
    clearTimeout(timer);
    pick.dispose();
    if (!chosen) return;

    const source = loaded.corpus.get(chosen.key);
    const canInsert = targetEditor !== undefined && targetEditor.document.languageId === 'markdown' && !targetEditor.document.isClosed;
    const choices = [
      ...(canInsert ? [{ label: '$(quote) Insert as quote with citation', id: 'insert' }] : []),
      { label: '$(go-to-file) Open passage in source', id: 'open' },
    ];
    const action = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: `${chosen.key}:${chosen.line}` });
    if (!action || !source) return;
    if (action.id === 'open') {
      const raw = loaded.corpus.rawText(chosen.key);
      const location = sourceLocation(source, raw === undefined ? undefined : { start: chosen.start, end: chosen.end, text: raw });
      if (location) await vscode.window.showTextDocument(location.uri, { selection: location.range });
      return;
    }
    const sentence = sentenceAround(loaded.corpus.rawText(chosen.key) ?? chosen.snippet, chosen.start);
    const editor = targetEditor!;
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await editor.edit((edit) => edit.replace(editor.selection, `“${sentence}” [@${chosen.key}]`));
  });
}

/** The sentence of the source around an offset, unwrapped, for quoting it whole. */
export function sentenceAround(text: string, offset: number): string {
  const before = text.slice(Math.max(0, offset - 600), offset);
  const startMatch = /[.!?…]["”’)]*\s+(?=[^.!?…]*$)/.exec(before);
  const start = startMatch ? offset - before.length + startMatch.index + startMatch[0].length : Math.max(0, offset - before.length);
  const after = text.slice(offset, offset + 800);
  const endMatch = /[.!?…](?=["”’)]*(\s|$))/.exec(after);
  const end = endMatch ? offset + endMatch.index + 1 : offset + after.length;
  // Double quotes inside the sentence become single ones, since the whole is put in double quotes.
  return runningText(text.slice(start, end)).replace(/[“”]/g, (mark) => (mark === '“' ? '‘' : '’'));
}
