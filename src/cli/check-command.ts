import { corpusProblemFindings, type Finding } from '../core/checks/checks';
import type { Severity } from '../core/metadata/schema';
import type { WorkspaceOptions } from '../core/corpus/workspace';
import { cliWorkspace } from './cli-workspace';
import { chooseFormat, commonOptions, corpusOption, corpusOptionsHelp, exitCodes, formatOption, parseCommandArgs, UsageError } from './args';
import { corpusOptions } from './corpus-option';
import { readReport } from './report-files';
import { toSarif } from './sarif';
import { displayPath, escapeControls, paint, plural, portablePath, useColour } from './terminal';

export const checkHelp = `Usage: citewise check REPORT.md... [--corpus DIR]... [--format text|json|sarif]

Checks each report's citations and quotes against its corpus.

Options:
  --corpus DIR     Corpus folder to check against, instead of the one the report's
                   settings declare. Repeat it to combine several folders.
${corpusOptionsHelp}
  --format FORMAT  text (default): one line per finding and a summary;
                   json: {"findings": [...]} with 1-based lines and columns;
                   sarif: SARIF 2.1.0 for code-scanning tools.
  -h, --help       Show this help.

Exit codes: 0 no errors, 1 at least one finding of severity error, 2 usage error.
`;

const formats = ['text', 'json', 'sarif'] as const;

export async function runCheck(argv: string[], version: string): Promise<number> {
  const { values, positionals } = parseCommandArgs('check', argv, { ...commonOptions, ...corpusOption, ...formatOption });
  if (values.help) {
    process.stdout.write(checkHelp);
    return exitCodes.ok;
  }
  const format = chooseFormat('check', values.format, formats);
  if (positionals.length === 0) throw new UsageError('No report given: name one or more Markdown reports to check.', 'check');
  const corpus = corpusOptions('check', values);
  // Every report is read before any is checked, so a typo in the last name does not cost a full run.
  const reports = [];
  for (const given of positionals) reports.push(await readReport('check', given));

  const findings = await checkReports(reports, corpus);
  if (format === 'json') process.stdout.write(`${JSON.stringify({ findings: findings.map(toJsonFinding) }, null, 2)}\n`);
  else if (format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(findings, version), null, 2)}\n`);
  else process.stdout.write(formatText(findings, reports.length, useColour()));
  return findings.some((finding) => finding.severity === 'error') ? exitCodes.findings : exitCodes.ok;
}

async function checkReports(reports: { path: string; text: string }[], corpus: WorkspaceOptions): Promise<Finding[]> {
  // A cold check reads the cited sources' text and every source's metadata, and indexes nothing.
  const workspace = cliWorkspace({ ...corpus, checkWithoutIndex: true });
  const reportFindings: Finding[] = [];
  const problemFindings: Finding[] = [];
  for (const report of reports) {
    const result = await workspace.check(report.path, report.text);
    for (const finding of result.findings) reportFindings.push(finding);
    if (result.corpus) for (const finding of corpusProblemFindings(result.corpus.problems, result.settings)) problemFindings.push(finding);
  }
  problemFindings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line);
  // Reports that share a corpus, or a citewise.yaml, would otherwise repeat its problems once per report.
  return dedupe([...reportFindings, ...problemFindings]);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const { start, end } = finding.range;
    const id = [finding.file, start.line, start.character, end.line, end.character, finding.rule, finding.message].join('\u0000');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: Severity;
  message: string;
  source?: string;
}

function toJsonFinding(finding: Finding): JsonFinding {
  const json: JsonFinding = {
    file: portablePath(finding.file),
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
  };
  if (finding.source !== undefined) json.source = finding.source;
  return json;
}

function formatText(findings: Finding[], reportCount: number, colour: boolean): string {
  const p = paint(colour);
  const severityPaint: Record<Severity, (text: string) => string> = { error: p.red, warning: p.yellow, info: p.blue, hint: p.dim };
  let output = '';
  for (const finding of findings) {
    const where = `${escapeControls(displayPath(finding.file))}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
    output += `${p.bold(where)} ${severityPaint[finding.severity](finding.severity)} ${p.dim(finding.rule)} ${escapeControls(finding.message)}\n`;
  }
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), `${count('info')} info`];
  if (count('hint')) parts.push(plural(count('hint'), 'hint'));
  output += `${parts.join(', ')} in ${plural(reportCount, 'report')}\n`;
  return output;
}
