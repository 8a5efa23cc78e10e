/**
 * What the extension-host suites (test/vscode/suite, untrusted, multi-root) share: waiting for the
 * extension's asynchronous answers, and reading a diagnostic's rule.
 */
import type * as vscode from 'vscode';

/** Probes until `accept` holds, then returns the last value; fails with that value after `timeoutMs`. */
export async function eventually<T>(probe: () => PromiseLike<T> | T, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last, null, 1)?.slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await probe();
  }
  return last;
}

/** The rule id of a diagnostic, whether the client gives it as a string or with a link to its documentation. */
export function ruleOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}
