import { pathToFileURL } from 'node:url';
import type { Finding } from '../core/checks/checks';
import { rules } from '../core/checks/rules';
import { ruleIds, type Severity } from '../core/metadata/schema';
import { artifactLocation } from './terminal';

/** SARIF has no info or hint level; "note" is its level for anything short of a warning. */
const levels: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** One SARIF 2.1.0 log with one run, as code-scanning tools (GitHub, Azure DevOps, IDE viewers) import it. */
export function toSarif(findings: readonly Finding[], version: string, cwd = process.cwd()): object {
  const ruleIndex = new Map<string, number>(ruleIds.map((id, index) => [id, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'citewise',
            version,
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: rules[id].summary },
              defaultConfiguration: { level: levels[rules[id].defaultSeverity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(cwd) } },
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule),
          level: levels[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(finding.file, cwd),
                region: {
                  startLine: finding.range.start.line + 1,
                  startColumn: finding.range.start.character + 1,
                  endLine: finding.range.end.line + 1,
                  endColumn: finding.range.end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}

function directoryUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}
