import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { corpusProblemFindings, type Finding } from '../checks/checks';
import type { Severity } from '../metadata/schema';
import type { Analysis } from './language-service';

/** A report's diagnostics: its own, and those it places in other files (citewise.yaml, corpus files), by file URI. */
export interface ReportDiagnostics {
  own: Diagnostic[];
  elsewhere: Map<string, Diagnostic[]>;
}

function toSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** A finding as a diagnostic; its fix travels in `data`, and comes back with the diagnostic in a code action request. */
function toDiagnostic(finding: Finding): Diagnostic {
  return { range: finding.range, message: finding.message, severity: toSeverity(finding.severity), source: 'citewise', code: finding.rule, ...(finding.fix ? { data: finding.fix } : {}) };
}

/** The findings of a check, split by file, and the corpus's problems in the corpus's files. */
export function reportDiagnostics(analysis: Analysis, reportFile: string): ReportDiagnostics {
  const own: Diagnostic[] = [];
  const elsewhere = new Map<string, Diagnostic[]>();
  const place = (file: string, diagnostic: Diagnostic) => {
    const uri = pathToFileURL(file).href;
    elsewhere.set(uri, [...(elsewhere.get(uri) ?? []), diagnostic]);
  };
  for (const finding of analysis.findings) {
    if (finding.file === reportFile) own.push(toDiagnostic(finding));
    else place(finding.file, toDiagnostic(finding));
  }
  const corpus = analysis.context.corpus?.corpus;
  if (corpus) for (const finding of corpusProblemFindings(corpus.problems, analysis.context.settings)) place(finding.file, toDiagnostic(finding));
  return { own, elsewhere };
}

/**
 * Diagnostics that reports place in other files, merged: several reports naming the same corpus put the
 * same corpus problem in the same file once. Returns the files whose diagnostics changed, with their new list.
 */
export class ForeignDiagnostics {
  private readonly byReport = new Map<string, Map<string, Diagnostic[]>>();

  set(report: string, elsewhere: Map<string, Diagnostic[]> | undefined): Map<string, Diagnostic[]> {
    const before = this.merged();
    if (elsewhere) this.byReport.set(report, elsewhere);
    else this.byReport.delete(report);
    const after = this.merged();
    const changed = new Map<string, Diagnostic[]>();
    for (const file of new Set([...before.keys(), ...after.keys()])) {
      const list = after.get(file) ?? [];
      if (JSON.stringify(before.get(file) ?? []) !== JSON.stringify(list)) changed.set(file, list);
    }
    return changed;
  }

  private merged(): Map<string, Diagnostic[]> {
    const merged = new Map<string, Diagnostic[]>();
    for (const byFile of this.byReport.values()) {
      for (const [file, diagnostics] of byFile) {
        const list = merged.get(file) ?? [];
        for (const diagnostic of diagnostics) {
          if (!list.some((other) => other.message === diagnostic.message && JSON.stringify(other.range) === JSON.stringify(diagnostic.range))) list.push(diagnostic);
        }
        merged.set(file, list);
      }
    }
    return merged;
  }
}
