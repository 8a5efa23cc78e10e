import { describeFrame, frameFor } from '../core/checks/timeframe';
import { LineIndex } from '../core/report/line-index';
import { listReferences, type ListedReference } from '../core/report/reference-list';
import { cliWorkspace } from './cli-workspace';
import { chooseFormat, commonOptions, corpusOption, corpusOptionsHelp, exitCodes, formatOption, parseCommandArgs, UsageError } from './args';
import { corpusOptions } from './corpus-option';
import { readReport } from './report-files';
import { displayPath, escapeControls, paint, plural, portablePath, useColour } from './terminal';

export const referencesHelp = `Usage: citewise references REPORT.md... [--corpus DIR]... [--format text|json]

Lists every reference each report makes: Pandoc citations ([@key, p. 35]), and
free-text references in Source: lines, footnotes and inline notes. For each: where
it is, the source it rests on (or, for a free-text reference that matches no
source, the sources that came closest), the date the time frame was judged by and
where that date came from, and how many quotes rest on it.

Options:
  --corpus DIR     Corpus folder, instead of the one the report's settings declare.
                   Repeat it to combine several folders.
${corpusOptionsHelp}
  --format FORMAT  text (default) or json.
  -h, --help       Show this help.
`;

const formats = ['text', 'json'] as const;

const timeframeWords: Record<ListedReference['timeframe'], string> = {
  inside: 'inside the time frame',
  outside: 'OUTSIDE the time frame',
  exempt: 'exempt from the time frame',
  undated: 'undated: the time frame cannot be checked',
  'no-frame': 'no time frame declared',
  'unknown-source': 'not in the corpus',
};

export async function runReferences(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('references', argv, { ...commonOptions, ...corpusOption, ...formatOption });
  if (values.help) {
    process.stdout.write(referencesHelp);
    return exitCodes.ok;
  }
  const format = chooseFormat('references', values.format, formats);
  if (positionals.length === 0) throw new UsageError('No report given: name one or more Markdown reports.', 'references');
  const corpus = corpusOptions('references', values);
  const reports = [];
  for (const given of positionals) reports.push(await readReport('references', given));
  const workspace = cliWorkspace(corpus);
  const colour = useColour();
  const json: object[] = [];
  let text = '';
  for (const report of reports) {
    const result = await workspace.check(report.path, report.text);
    const lines = new LineIndex(report.text);
    const listed = listReferences(result, result.corpus, result.settings);
    for (const reference of listed) {
      const range = lines.rangeOf(reference.start, reference.end);
      if (format === 'json') {
        json.push({
          file: portablePath(report.path),
          line: range.start.line + 1,
          column: range.start.character + 1,
          endLine: range.end.line + 1,
          endColumn: range.end.character + 1,
          ...reference,
          start: undefined,
          end: undefined,
        });
      } else {
        text += describe(reference, `${escapeControls(displayPath(report.path))}:${range.start.line + 1}:${range.start.character + 1}`, colour);
      }
    }
    if (format === 'text') {
      const frame = result.settings.timeframe;
      const resolved = listed.filter((reference) => reference.key).length;
      text += `${plural(listed.length, 'reference')} in ${escapeControls(displayPath(report.path))}, ${resolved} resting on a source in the corpus${frame ? `; time frame ${describeFrame(frameFor(frame, undefined))}` : ''}\n`;
    }
  }
  process.stdout.write(format === 'json' ? `${JSON.stringify({ references: json }, null, 2)}\n` : text);
  return exitCodes.ok;
}

function describe(reference: ListedReference, where: string, colour: boolean): string {
  const p = paint(colour);
  const origin = reference.origin === 'citation' ? 'citation' : reference.origin === 'source-line' ? 'Source: line' : reference.origin;
  // The reference and the candidates' reasons quote the report and the corpus: no control character reaches the terminal.
  let out = `${p.bold(where)} ${p.dim(origin)} ${escapeControls(reference.text)}\n`;
  if (reference.key) out += `  source: @${escapeControls(reference.key)}\n`;
  else if (reference.origin === 'citation') out += `  source: ${p.red('not in the corpus')}\n`;
  else {
    const close = reference.candidates.map((candidate) => escapeControls(`@${candidate.key} (${Math.round(candidate.score * 100)}%${candidate.reason ? `: ${candidate.reason}` : ''})`));
    out += `  source: ${p.yellow('unresolved')}${close.length ? `; closest ${close.join(', ')}` : '; no source comes close'}\n`;
  }
  const date = reference.date ? `${reference.date} (${reference.dateFrom === 'source' ? "the source's metadata" : 'as the reference states'})` : 'none';
  const verdict = reference.timeframe === 'outside' ? p.red(timeframeWords.outside) : timeframeWords[reference.timeframe];
  const kind = reference.kind && reference.kind !== 'published' ? ` · ${reference.kind}` : '';
  out += `  date: ${date} · ${verdict}${kind} · ${plural(reference.quotes, 'quote')}\n`;
  return out;
}
