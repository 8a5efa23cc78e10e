import { toCslJson } from '../core/bibliography/csl-export';
import type { Source } from '../core/corpus/source';
import { cliWorkspace } from './cli-workspace';
import { chooseFormat, commonOptions, corpusOption, corpusOptionsHelp, exitCodes, formatOption, parseCommandArgs, UsageError } from './args';
import { corpusOptions, resolveCorpus } from './corpus-option';
import { readReport } from './report-files';
import { escapeControls, plural } from './terminal';

export const bibHelp = `Usage: citewise bib [REPORT.md] [--corpus DIR]... [--format csl-json]

Writes the corpus's bibliography as CSL-JSON on stdout; with a report, only the
sources the report cites. Render the report with every citation resolved:

  citewise bib report.md > references.json
  pandoc --citeproc --bibliography references.json report.md -o report.docx

Options:
  --corpus DIR     Corpus folder; without it, the corpus the report's settings
                   declare, or (without a report) the nearest citewise.yaml's.
${corpusOptionsHelp}
  --format FORMAT  csl-json (the default and only format).
  -h, --help       Show this help.
`;

export async function runBib(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('bib', argv, { ...commonOptions, ...corpusOption, ...formatOption });
  if (values.help) {
    process.stdout.write(bibHelp);
    return exitCodes.ok;
  }
  chooseFormat('bib', values.format, ['csl-json']);
  if (positionals.length > 1) throw new UsageError(`bib takes at most one report, not ${positionals.length}.`, 'bib');

  let sources: readonly Source[];
  let problemCount: number;
  if (positionals.length === 1) {
    const report = await readReport('bib', positionals[0]);
    const workspace = cliWorkspace(corpusOptions('bib', values));
    const result = await workspace.check(report.path, report.text);
    if (!result.corpus) {
      throw new UsageError(`${report.given} declares no corpus: add \`citewise:\\n  corpus: <folder>\` to its front matter, or pass --corpus DIR.`, 'bib');
    }
    const corpus = result.corpus;
    const cited = new Set(result.report.citations.flatMap((group) => group.items.map((item) => item.key)));
    const missing = [...cited].filter((key) => !corpus.has(key));
    if (missing.length) {
      process.stderr.write(escapeControls(`citewise: ${report.given} cites ${missing.map((key) => `@${key}`).join(', ')}, not in the corpus; Pandoc will not resolve ${missing.length === 1 ? 'it' : 'them'}.`) + '\n');
    }
    sources = corpus.sources.filter((source) => cited.has(source.key));
    problemCount = corpus.problems.length;
  } else {
    const roots = await resolveCorpus('bib', values);
    const { corpus } = await cliWorkspace().corpus(roots);
    sources = corpus.sources;
    problemCount = corpus.problems.length;
  }
  // stdout carries only the JSON, so it can be redirected straight into a file Pandoc reads.
  if (problemCount) process.stderr.write(`citewise: the corpus has ${plural(problemCount, 'problem')}; \`citewise sources\` lists them.\n`);
  process.stdout.write(`${JSON.stringify(toCslJson([...sources]), null, 2)}\n`);
  return exitCodes.ok;
}
