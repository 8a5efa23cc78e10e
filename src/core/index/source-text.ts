import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileStamp } from '../corpus/corpus-files';
import { LineIndex, type Position } from '../report/line-index';

/**
 * Where a source's text comes from when a passage must be shown. Most sources are UTF-8 Markdown or
 * plain text whose text is the file itself (front matter blanked), so a passage is read from the file
 * at the byte offset of the nearest checkpoint, without reading the rest. Other texts (HTML reduced to
 * text, legacy encodings) are prepared again from the whole file; extracted PDF and Word text is kept.
 */
type TextOrigin =
  | {
      kind: 'utf8-file';
      file: string;
      /** The file's size and modification time when it was indexed: a changed file is not read as if it were the same. */
      stamp: string;
      /** Bytes before the text (a byte-order mark). */
      byteBase: number;
      /** The text's first characters that are front matter, which the text shows as blanks. */
      blankUntil: number;
    }
  | { kind: 'prepared'; load: () => string }
  | { kind: 'stored'; text: string };

/** Text from `start` on; `complete` when it runs to the end of the source. */
export interface TextWindow {
  text: string;
  start: number;
  complete: boolean;
  /** Line and character of an offset at or after `start` and within the window. */
  positionAt(offset: number): Position;
}

interface Checkpoints {
  chars: Uint32Array;
  bytes: Uint32Array;
  lines: Uint32Array;
  lineStarts: Uint32Array;
}

/** Reads whole texts and windows of them, and turns offsets into lines, reading as little as it can. */
export class SourceText {
  private whole?: string;
  private lines?: LineIndex;

  constructor(
    private readonly origin: TextOrigin,
    private readonly checkpoints?: Checkpoints,
    /** Reads the whole text again (used for utf8-file origins, which know how their text was prepared). */
    private readonly readWhole?: () => string,
  ) {
    if (origin.kind === 'stored') this.whole = origin.text;
  }

  /** Whether the whole text is in memory. */
  get isLoaded(): boolean {
    return this.whole !== undefined;
  }

  get text(): string {
    if (this.whole === undefined) {
      this.whole = this.origin.kind === 'prepared' ? this.origin.load() : this.origin.kind === 'stored' ? this.origin.text : (this.readWhole?.() ?? '');
    }
    return this.whole;
  }

  /** Lets go of the whole text (it is read again when needed). */
  release(): void {
    if (this.origin.kind !== 'stored') this.whole = undefined;
    this.lines = undefined;
  }

  private get windowed(): boolean {
    return this.whole === undefined && this.origin.kind === 'utf8-file' && this.checkpoints !== undefined;
  }

  /** The text from `from` to `to` (UTF-16 offsets), clipped to the text. */
  slice(from: number, to: number): string {
    if (!this.windowed) return this.text.slice(from, to);
    from = Math.max(0, from);
    if (to <= from) return '';
    const anchor = this.anchorAt(from);
    const read = this.readFrom(anchor, to - anchor.char);
    return read.slice(from - anchor.char, to - anchor.char);
  }

  /**
   * A stretch of text that starts at or before `from` and runs to at least `to` (unless the text ends
   * first), with a way to place offsets inside it on lines: one read for a passage and its position.
   */
  window(from: number, to: number): TextWindow {
    from = Math.max(0, from);
    if (!this.windowed) {
      const whole = this.text;
      const lines = (this.lines ??= new LineIndex(whole));
      return { text: whole, start: 0, complete: true, positionAt: (offset) => lines.positionAt(offset) };
    }
    const anchor = this.anchorAt(from);
    const wanted = Math.max(0, to - anchor.char);
    const text = this.readFrom(anchor, wanted);
    return {
      text,
      start: anchor.char,
      complete: text.length < wanted,
      positionAt: (offset) => positionAfter(anchor, text, offset),
    };
  }

  /** Zero-based line and character of an offset. */
  positionAt(offset: number): Position {
    if (!this.windowed) return (this.lines ??= new LineIndex(this.text)).positionAt(offset);
    const anchor = this.anchorAt(offset);
    return positionAfter(anchor, this.readFrom(anchor, offset - anchor.char), offset);
  }

  lineOf(offset: number): number {
    return this.positionAt(offset).line;
  }

  /** The nearest checkpoint at or before an offset (or the text's start). */
  private anchorAt(offset: number): { char: number; byte: number; line: number; lineStart: number } {
    const origin = this.origin as Extract<TextOrigin, { kind: 'utf8-file' }>;
    const { chars, bytes, lines, lineStarts } = this.checkpoints!;
    let low = 0;
    let high = chars.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (chars[middle] <= offset) low = middle + 1;
      else high = middle;
    }
    const index = low - 1;
    if (index < 0) return { char: 0, byte: origin.byteBase, line: 0, lineStart: 0 };
    return { char: chars[index], byte: bytes[index], line: lines[index], lineStart: lineStarts[index] };
  }

  /** At least `characters` characters of text from a checkpoint (fewer at the end of the file). */
  private readFrom(anchor: { char: number; byte: number }, characters: number): string {
    const origin = this.origin as Extract<TextOrigin, { kind: 'utf8-file' }>;
    // Most text is one byte a character; a read that falls short is followed by a longer one. A UTF-16
    // unit takes at most three bytes, so three per character always suffice.
    let text = '';
    for (let length = Math.max(64, characters + (characters >> 2) + 16); ; length = Math.min(length * 2, characters * 3 + 4)) {
      const bytes = readBytes(origin.file, origin.stamp, anchor.byte, length);
      if (bytes === undefined) {
        // The file changed or went away since it was indexed: fall back to what reading it whole gives.
        return this.text.slice(anchor.char, anchor.char + characters + 1);
      }
      text = decoder.decode(bytes);
      // Short of the file's end, the last character may be cut in two; it is not counted.
      if (bytes.length < length || text.length - 1 >= characters || length >= characters * 3 + 4) break;
    }
    if (anchor.char < origin.blankUntil) {
      const blanked = Math.min(text.length, origin.blankUntil - anchor.char);
      text = text.slice(0, blanked).replace(/[^\r\n]/g, ' ') + text.slice(blanked);
    }
    return text;
  }
}

const decoder = new TextDecoder('utf-8');

/**
 * Open files, most recently used last. Keyed by stamp as well as path: a file replaced since it was
 * indexed must not be read at the old file's offsets.
 */
const openFiles = new Map<string, number>();
const maxOpenFiles = 128;

function readBytes(file: string, stamp: string, position: number, length: number): Uint8Array | undefined {
  const handleKey = `${stamp}\u0000${file}`;
  let handle = openFiles.get(handleKey);
  try {
    if (handle === undefined) {
      handle = openSync(file, 'r');
      const stat = fstatSync(handle);
      if (fileStamp(stat) !== stamp) {
        closeSync(handle);
        return undefined;
      }
      openFiles.set(handleKey, handle);
      if (openFiles.size > maxOpenFiles) {
        const [oldestKey, oldest] = openFiles.entries().next().value as [string, number];
        openFiles.delete(oldestKey);
        closeSync(oldest);
      }
    } else {
      openFiles.delete(handleKey);
      openFiles.set(handleKey, handle);
    }
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(handle, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } catch {
    if (handle !== undefined) {
      openFiles.delete(handleKey);
      try {
        closeSync(handle);
      } catch {
        // Already closed.
      }
    }
    return undefined;
  }
}


/** Line and character of `offset`, counted from a checkpoint and the text read from it. */
function positionAfter(anchor: { char: number; line: number; lineStart: number }, text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, offset - anchor.char));
  let line = anchor.line;
  let lastNewline = -1;
  for (let index = before.indexOf('\n'); index !== -1; index = before.indexOf('\n', index + 1)) {
    line++;
    lastNewline = index;
  }
  return { line, character: offset - (lastNewline >= 0 ? anchor.char + lastNewline + 1 : anchor.lineStart) };
}
