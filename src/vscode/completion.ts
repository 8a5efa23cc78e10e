import * as vscode from 'vscode';
import { parseMarkdown } from '../core/markdown';
import { formatCoiReference } from '../core/references';
import { referenceLabel } from '../core/report';
import type { CitationStyle } from '../core/schema';
import { describeDate } from '../core/inference';
import type { RemoteCorpus } from '../core/corpus-client';
import type { Source } from '../core/source';
import type { Citewise } from './citewise';
import { SafeMarkdown } from './convert';
import { byline, opening, timeframeStatus } from './source-details';

/** `[@`, `@` in running text, and `; @` inside a group, each followed by what is typed of the key so far. */
const keyBeforeCursor = /(?:^|[\s[;(—–-])-?@([\p{L}\p{N}_:.#$%&\-+?<>~/]*)$/u;
const keyAfterCursor = /^[\p{L}\p{N}_:.#$%&\-+?<>~/]*/u;

/** A completion item that knows which corpus its source is in, for the preview added when it is focused. */
class SourceItem extends vscode.CompletionItem {
  constructor(
    label: vscode.CompletionItemLabel,
    readonly source: Source,
    readonly loaded: RemoteCorpus,
    readonly summary: SafeMarkdown,
  ) {
    super(label, vscode.CompletionItemKind.Reference);
  }
}

/**
 * Citation completion. Sources are ranked by the core's fuzzy lookup over key, title, author,
 * publisher and year, so typing a title word or an organisation finds the key; the editor is told not
 * to filter again (every item's filter text is what was typed) and to ask again on the next keystroke.
 * Items carry what the metadata says; the opening of the source's text is added only to the item in
 * focus, since it has to be read from the corpus.
 */
export function registerCompletion(citewise: Citewise): vscode.Disposable {
  const provider: vscode.CompletionItemProvider<SourceItem> = {
    async provideCompletionItems(document, position, token) {
      const line = document.lineAt(position.line).text;
      const before = line.slice(0, position.character);
      const match = keyBeforeCursor.exec(before);
      // In a `Source:` line or a footnote definition, what is typed after the label looks a source up by
      // title, publisher or key, and the item written is a key or a COI reference, as the report's style says.
      const label = match ? undefined : referenceLabel(before);
      if (!match && label === undefined) return undefined;
      const typed = match ? match[1] : before.slice(label!.length);
      const typedStart = document.offsetAt(position) - typed.length;
      // Not in code, front matter or comments, and not in an e-mail address (the pattern already needs a boundary).
      const structure = parseMarkdown(document.getText());
      if (match ? structure.prose[typedStart - 1] !== '@' : structure.prose.slice(typedStart - label!.length, typedStart) !== label) return undefined;
      if (!citewise.isReport(document)) return undefined;
      const context = await citewise.reportContext(document);
      if (token.isCancellationRequested || !context.loaded) return undefined;
      const loaded = context.loaded;
      const { lookup } = loaded;
      const after = match ? (keyAfterCursor.exec(line.slice(position.character))?.[0] ?? '') : '';
      const range = new vscode.Range(position.line, position.character - typed.length, position.line, position.character + after.length);
      const insertion = (source: Source) => (match ? source.key : writtenReference(source, context.settings.citationStyle));
      const matches = lookup.find(typed.replace(/[\u201C\u201D"\u2018\u2019,]/g, ' ').trim(), 50);
      const items = matches.map(({ source }, rank) => {
        const status = timeframeStatus(source, context.settings);
        const documentation = new SafeMarkdown();
        const item = new SourceItem(
          { label: source.key, description: [describeDate(source), status?.outside ? 'outside time frame' : undefined].filter(Boolean).join(' · ') },
          source,
          loaded,
          documentation,
        );
        item.detail = [source.metadata.title, byline(source)].filter(Boolean).join(' — ');
        item.range = range;
        item.insertText = insertion(source);
        item.filterText = typed;
        item.sortText = String(rank).padStart(4, '0');
        documentation.text(source.metadata.title ?? source.key);
        documentation.markdown('\n\n');
        const facts = [byline(source), describeDate(source), source.metadata.language, source.metadata.type].filter(Boolean).join(' · ');
        if (facts) documentation.text(facts).markdown('\n\n');
        if (status) documentation.text(status.text).markdown('\n\n');
        item.documentation = documentation.value;
        return item;
      });
      return new vscode.CompletionList(items, true);
    },
    async resolveCompletionItem(item, token) {
      const text = await item.loaded.opening(item.source.key).catch(() => undefined);
      if (token.isCancellationRequested) return item;
      const preview = opening(text, item.source.metadata.title);
      if (preview) {
        const documentation = new SafeMarkdown();
        documentation.markdown(item.summary.value.value).markdown('---\n\n').text(preview);
        item.documentation = documentation.value;
      }
      return item;
    },
  };
  return vscode.languages.registerCompletionItemProvider({ language: 'markdown' }, provider, '@', ':');
}

/** What completion writes after `Source:`: `[@key]`, or the reference written out in COI style. */
function writtenReference(source: Source, style: CitationStyle): string {
  return style === 'coi' ? formatCoiReference(source.metadata) : `[@${source.key}]`;
}
