import * as path from 'node:path';
import type { Corpus } from '../core/corpus/corpus';
import { sourceFieldNames } from '../core/metadata/schema';
import type { FieldOrigin, FieldProvenance, Source } from '../core/corpus/source';
import { cliWorkspace } from './cli-workspace';
import { chooseFormat, commonOptions, corpusOption, corpusOptionsHelp, exitCodes, formatOption, parseCommandArgs, UsageError } from './args';
import { resolveCorpus } from './corpus-option';
import { displayPath, escapeControls, paint, plural, portablePath, useColour } from './terminal';

export const sourcesHelp = `Usage: citewise sources [--corpus DIR]... [--format text|json]

Lists every source of the corpus with its metadata and where each field came from
(inferred from the text, front matter, corpus.yaml manifest, or a bibliography),
then the problems found while reading the corpus.

Options:
  --corpus DIR     Corpus folder; without it, the corpus that the nearest
                   citewise.yaml (in this folder or above) declares.
${corpusOptionsHelp}
  --format FORMAT  text (default) or json.
  -h, --help       Show this help.
`;

const formats = ['text', 'json'] as const;

const originLabels: Record<FieldOrigin, string> = {
  inferred: 'inferred',
  'document-properties': 'document properties',
  'front-matter': 'front matter',
  manifest: 'manifest',
  bibliography: 'bibliography',
};

export async function runSources(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sources', argv, { ...commonOptions, ...corpusOption, ...formatOption });
  if (values.help) {
    process.stdout.write(sourcesHelp);
    return exitCodes.ok;
  }
  const format = chooseFormat('sources', values.format, formats);
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}": sources takes no reports; use --corpus DIR to name the corpus.`, 'sources');
  const roots = await resolveCorpus('sources', values);
  const { corpus } = await cliWorkspace().corpus(roots);
  process.stdout.write(format === 'json' ? `${JSON.stringify(toJson(corpus), null, 2)}\n` : formatText(corpus, useColour()));
  return exitCodes.ok;
}

function provenanceFile(source: Source, provenance: FieldProvenance): string {
  return path.resolve(source.corpusRoot, provenance.file);
}

function toJson(corpus: Corpus) {
  return {
    sources: corpus.sources.map((source) => ({
      key: source.key,
      file: source.path ? portablePath(source.path) : undefined,
      metadata: source.metadata,
      provenance: Object.fromEntries(
        Object.entries(source.provenance).map(([field, provenance]) => [
          field,
          {
            origin: provenance.origin,
            file: portablePath(provenanceFile(source, provenance)),
            ...(provenance.line !== undefined ? { line: provenance.line } : {}),
            ...(provenance.cue !== undefined ? { cue: provenance.cue, confidence: provenance.confidence } : {}),
          },
        ]),
      ),
    })),
    problems: corpus.problems.map((problem) => ({
      file: portablePath(problem.file),
      ...(problem.line !== undefined ? { line: problem.line } : {}),
      ...(problem.column !== undefined ? { column: problem.column } : {}),
      severity: problem.severity,
      message: problem.message,
    })),
  };
}

function formatText(corpus: Corpus, colour: boolean): string {
  const p = paint(colour);
  const width = Math.max(...sourceFieldNames.map((field) => field.length));
  let output = '';
  for (const source of corpus.sources) {
    output += `${p.bold(`@${escapeControls(source.key)}`)}  ${p.dim(source.path ? escapeControls(displayPath(source.path)) : '(metadata only)')}\n`;
    const values: Record<string, unknown> = { key: source.key, ...source.metadata };
    for (const field of sourceFieldNames) {
      const value = values[field];
      if (value === undefined) continue;
      const shown = escapeControls(Array.isArray(value) ? value.join('; ') : String(value));
      const provenance = source.provenance[field];
      const evidence = provenance?.cue !== undefined ? `, ${escapeControls(provenance.cue)}, ${provenance.confidence} confidence` : '';
      const origin = provenance ? `${originLabels[provenance.origin]} ${escapeControls(displayPath(provenanceFile(source, provenance)))}${provenance.line !== undefined ? `:${provenance.line}` : ''}${evidence}` : '';
      output += `  ${field.padEnd(width)}  ${shown}${origin ? `  ${p.dim(`(${origin})`)}` : ''}\n`;
    }
    output += '\n';
  }
  output += `${plural(corpus.sources.length, 'source')}, ${plural(corpus.problems.length, 'problem')}\n`;
  if (corpus.problems.length) {
    output += '\nProblems:\n';
    for (const problem of corpus.problems) {
      const where = `${escapeControls(displayPath(problem.file))}${problem.line !== undefined ? `:${problem.line}` : ''}`;
      output += `${problem.severity === 'error' ? p.red(where) : p.yellow(where)}: ${escapeControls(problem.message)}\n`;
    }
  }
  return output;
}
