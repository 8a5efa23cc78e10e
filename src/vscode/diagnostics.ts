import * as vscode from 'vscode';
import type { Finding } from '../core/checks';
import type { Citewise } from './citewise';
import { CitewiseConfig } from './config';
import { toRange, toSeverity } from './convert';

/**
 * Live diagnostics: every open report is checked after typing pauses, a check that is overtaken by
 * newer text is dropped, and findings in other files (citewise.yaml, corpus files) go to those files.
 */
export function registerDiagnostics(citewise: Citewise): vscode.Disposable {
  const reports = vscode.languages.createDiagnosticCollection('citewise');
  const elsewhere = vscode.languages.createDiagnosticCollection('citewise-corpus');
  const timers = new Map<string, NodeJS.Timeout>();
  /** Findings that each report placed in other files, so they can be withdrawn when the report changes. */
  const foreign = new Map<string, Map<string, vscode.Diagnostic[]>>();

  const publishForeign = () => {
    const merged = new Map<string, vscode.Diagnostic[]>();
    for (const byFile of foreign.values()) {
      for (const [file, diagnostics] of byFile) {
        const list = merged.get(file) ?? [];
        for (const diagnostic of diagnostics) {
          if (!list.some((other) => other.message === diagnostic.message && other.range.isEqual(diagnostic.range))) list.push(diagnostic);
        }
        merged.set(file, list);
      }
    }
    elsewhere.clear();
    for (const [file, diagnostics] of merged) elsewhere.set(vscode.Uri.file(file), diagnostics);
  };

  const check = async (document: vscode.TextDocument) => {
    if (!citewise.isReport(document)) return;
    const version = document.version;
    const analysis = await citewise.analyze(document);
    // Typing went on while the check ran: a newer check is already scheduled.
    if (document.isClosed || document.version !== version) return;
    const id = document.uri.toString();
    if (!analysis) {
      reports.delete(document.uri);
      if (foreign.delete(id)) publishForeign();
      return;
    }
    const own: vscode.Diagnostic[] = [];
    const others = new Map<string, vscode.Diagnostic[]>();
    const reportPath = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    for (const finding of analysis.findings) {
      const diagnostic = toDiagnostic(finding);
      if (reportPath === undefined ? finding.file.endsWith('untitled.md') : finding.file === reportPath) own.push(diagnostic);
      else others.set(finding.file, [...(others.get(finding.file) ?? []), diagnostic]);
    }
    const corpus = analysis.context.loaded?.corpus;
    const corpusSeverity = analysis.context.settings.rules['corpus-problem'];
    if (corpus && corpusSeverity !== 'off') {
      for (const problem of corpus.problems) {
        const line = Math.max(0, (problem.line ?? 1) - 1);
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(line, Math.max(0, (problem.column ?? 1) - 1), line, Number.MAX_SAFE_INTEGER),
          problem.message,
          toSeverity(corpusSeverity ?? (problem.severity === 'error' ? 'warning' : problem.severity)),
        );
        diagnostic.source = 'citewise';
        diagnostic.code = 'corpus-problem';
        others.set(problem.file, [...(others.get(problem.file) ?? []), diagnostic]);
      }
    }
    reports.set(document.uri, own);
    foreign.set(id, others);
    publishForeign();
  };

  const schedule = (document: vscode.TextDocument, delay = CitewiseConfig.diagnosticsDelay()) => {
    if (!citewise.isReport(document)) return;
    const id = document.uri.toString();
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        void check(document);
      }, delay),
    );
  };

  const checkAllOpen = () => {
    for (const document of vscode.workspace.textDocuments) schedule(document, 0);
  };

  checkAllOpen();
  return vscode.Disposable.from(
    reports,
    elsewhere,
    vscode.workspace.onDidOpenTextDocument((document) => schedule(document, 0)),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0) schedule(event.document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(timers.get(document.uri.toString()));
      reports.delete(document.uri);
      if (foreign.delete(document.uri.toString())) publishForeign();
    }),
    citewise.onDidChange(checkAllOpen),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
}

function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, toSeverity(finding.severity));
  diagnostic.source = 'citewise';
  diagnostic.code = finding.rule;
  return diagnostic;
}
