import type { Hover } from 'vscode-languageserver-types';
import type { CheckedReference } from '../checks/checks';
import type { CorpusService } from '../corpus/corpus-service';
import { describeDate } from '../metadata/inference';
import { describeReference } from '../report/references';
import type { EffectiveSettings } from '../settings/settings';
import type { Source } from '../corpus/source';
import type { ParsedDocument } from './parsed-document';
import { SafeMarkdown } from './safe-markdown';
import type { Analysis } from './language-service';
import { byline, opening, timeframeStatus } from './source-details';

/**
 * Hovers on a key show what the source is and where the cited passage is; hovers on a quote show the
 * passage it matched and how closely. All source text is escaped: a corpus file cannot inject links.
 */
export async function hoverAt(parsed: ParsedDocument, analysis: Analysis, corpus: CorpusService, offset: number): Promise<Hover | undefined> {
  const settings = analysis.context.settings;
  const hover = (markdown: SafeMarkdown, start: number, end: number): Hover => ({
    contents: { kind: 'markdown', value: markdown.value },
    range: parsed.lines.rangeOf(start, end),
  });
  const found = await analysis.at(offset);
  const citation = found.citation;
  if (citation) {
    const source = corpus.corpus.get(citation.key);
    const markdown = new SafeMarkdown();
    if (!source) return hover(markdown.text(`@${citation.key} is not in the corpus.`), citation.keyStart, citation.keyEnd);
    describeSource(markdown, source, settings);
    const verdict = found.citationVerdict;
    const passage = verdict?.passage;
    markdown.markdown('\n\n---\n\n');
    if (passage) {
      const page = verdict?.pages?.length ? `${verdict.pages.length > 1 ? 'pp.' : 'p.'} ${verdict.pages.join('–')}, ` : '';
      markdown.text(`${verdict?.found ? 'Quoted passage' : 'Closest passage'}, ${page}line ${passage.line}:`).markdown('\n\n');
      appendQuoted(markdown, passage.text);
    } else {
      const preview = opening(await corpus.opening(source.key), source.metadata.title);
      if (preview) appendQuoted(markdown, preview);
      else markdown.text('No text of this source is in the corpus (metadata only).');
    }
    return hover(markdown, citation.keyStart, citation.keyEnd);
  }
  const reference = found.reference;
  if (reference) {
    const markdown = new SafeMarkdown();
    const source = reference.resolution.key ? corpus.corpus.get(reference.resolution.key) : undefined;
    if (source) {
      describeSource(markdown, source, settings);
      markdown.markdown('\n\n---\n\n').text(`This reference resolves to @${source.key}: its quotes are checked against that source.`);
      const passage = found.referenceVerdict?.passage;
      if (passage) {
        markdown.markdown('\n\n').text(`Quoted passage, line ${passage.line}:`).markdown('\n\n');
        appendQuoted(markdown, passage.text);
      }
    } else {
      describeUnresolved(markdown, reference);
    }
    return hover(markdown, reference.reference.start, reference.reference.end);
  }
  const quote = found.quote;
  if (!quote) return undefined;
  const verdict = found.quoteVerdict;
  const markdown = new SafeMarkdown();
  if (!verdict?.key || verdict.sourceStart === undefined || !verdict.passage) {
    markdown.text(
      quote.attribution
        ? 'The cited source holds no text to compare this quote with.'
        : quote.reference
          ? 'The reference this quote rests on matches no source in the corpus, so the quote cannot be verified.'
          : 'This quote cites no source.',
    );
    return hover(markdown, quote.start, quote.end);
  }
  const passage = verdict.passage;
  const similarity = Math.floor((verdict.similarity ?? 0) * 100);
  const where = verdict.pages?.length ? `${verdict.pages.length > 1 ? 'pp.' : 'p.'} ${verdict.pages.join('–')}, line ${passage.line}` : `line ${passage.line}`;
  markdown.text(verdict.found ? `Found in @${verdict.key}, ${where}.` : `Not in @${verdict.key} as written. Closest passage, line ${passage.line} (${similarity}% similar):`);
  markdown.markdown('\n\n');
  appendQuoted(markdown, passage.text);
  return hover(markdown, quote.start, quote.end);
}

function describeSource(markdown: SafeMarkdown, source: Source, settings: EffectiveSettings): void {
  markdown.markdown('**').text(source.metadata.title ?? source.key).markdown('**\n\n');
  const facts = [byline(source), describeDate(source) ?? 'undated', source.metadata.language, source.metadata.type].filter(Boolean).join(' · ');
  markdown.text(facts);
  if (source.metadata.url) markdown.markdown('\n\n').text(source.metadata.url);
  const status = timeframeStatus(source, settings);
  if (status) markdown.markdown('\n\n').text(`${status.outside ? '⚠ ' : ''}${status.text}`);
}

function appendQuoted(markdown: SafeMarkdown, text: string): void {
  markdown.markdown('> ').text(text);
}

/** Why a free-text reference did not resolve, and the date its time-frame verdict used instead. */
function describeUnresolved(markdown: SafeMarkdown, checked: CheckedReference): void {
  markdown.markdown('**').text(describeReference(checked.reference)).markdown('**\n\n');
  markdown.text('No source in the corpus matches this reference, so its quotes cannot be verified.');
  for (const candidate of checked.resolution.candidates) {
    markdown.markdown('\n\n- ').text(`@${candidate.key}${candidate.title ? ` “${candidate.title}”` : ''}: ${Math.round(candidate.score * 100)}% alike${candidate.reason ? `, ${candidate.reason}` : ''}`);
  }
  const verdict = { inside: 'inside the time frame', outside: 'outside the time frame', exempt: 'exempt from the time frame', undated: 'no date to check', 'no-frame': 'no time frame declared' }[checked.timeframe];
  markdown.markdown('\n\n').text(`Time frame: ${checked.date ? `${checked.date} as the reference states, ` : ''}${verdict}.`);
}
