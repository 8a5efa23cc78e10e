import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Colour only for a person at a terminal: never in pipes or files, and never when NO_COLOR asks not to. */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
}

const plain: Paint = { bold: (t) => t, dim: (t) => t, red: (t) => t, yellow: (t) => t, blue: (t) => t };
const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const coloured: Paint = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), blue: ansi(34, 39) };

export function paint(colour: boolean): Paint {
  return colour ? coloured : plain;
}

/**
 * Characters that must not reach a terminal as they are: C0 and C1 controls (ESC and CSI begin terminal
 * commands, OSC ones can retitle the window or write links; a newline or carriage return would forge a line
 * of CI output) and the bidirectional controls that make text display in an order other than its own.
 */
const unsafeCharacters = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a corpus, a report or a file name, made safe to print for a person: each unsafe character is
 * shown as a visible escape (`\n`, `\x1b`, `\u202e`). Every human-readable printer passes what it did not
 * write itself through this; JSON and SARIF output stays exact.
 */
export function escapeControls(text: string): string {
  return text.replace(unsafeCharacters, (character) => {
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A path as people type it from where they stand. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative;
}

/** A cwd-relative path with forward slashes, as machine-readable formats expect on every platform. */
export function portablePath(file: string, cwd = process.cwd()): string {
  return displayPath(file, cwd).split(path.sep).join('/');
}

/** A relative reference for files under the cwd; a file:// URI for anything outside it, where a relative path would escape the root. */
export function artifactLocation(file: string, cwd = process.cwd()): { uri: string; uriBaseId?: string } {
  const relative = portablePath(file, cwd);
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) return { uri: pathToFileURL(file).href };
  return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
