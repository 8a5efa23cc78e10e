import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Colour only for a person at a terminal: never in pipes or files, and never when NO_COLOR asks not to. */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export interface Paint {
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
