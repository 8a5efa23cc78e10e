import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';

/** A YAML text parsed with line information, so every problem can name the line it is on. */
export interface ParsedYaml {
  value: unknown;
  /** `duplicateKey` marks a key used twice in one mapping: the only error after which a value is still built. */
  errors: { line: number; column: number; message: string; duplicateKey?: boolean }[];
  /** 1-based line of the node at `path`, or of the nearest ancestor that exists. */
  lineOf(path: readonly (string | number)[]): number;
}

/**
 * Parses YAML; `firstLine` is the 1-based line of the text's first line within its file. With
 * `valueDespiteDuplicateKeys`, a text whose only errors are duplicate keys still yields its value (the
 * later key wins), so a caller can set aside just the part at fault.
 */
export function parseYaml(text: string, firstLine = 1, options: { valueDespiteDuplicateKeys?: boolean } = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return {
      value: undefined,
      errors: [{ line: firstLine, column: 1, message: error instanceof Error ? error.message : String(error) }],
      lineOf: () => firstLine,
    };
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1;
  // An unclosed quote or bracket is reported at the end of the text, which in front matter is the closing
  // `---` fence; it belongs on the last line that has any YAML on it.
  const lastOffset = Math.max(0, text.trimEnd().length - 1);
  const errors = document.errors.map((error) => {
    const position = lineCounter.linePos(Math.min(error.pos[0], lastOffset));
    return {
      line: position.line + firstLine - 1,
      column: position.col,
      message: error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, ''),
      ...(error.code === 'DUPLICATE_KEY' ? { duplicateKey: true } : {}),
    };
  });
  const lineOf = (path: readonly (string | number)[]) => {
    let node: unknown = document.contents;
    let line = node && (node as Node).range ? lineAt((node as Node).range![0]) : firstLine;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === step);
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) line = lineAt(keyNode.range[0]);
        node = pair.value;
        if (!(isMap(node) || isSeq(node))) break;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        if ((node as Node | undefined)?.range) line = lineAt((node as Node).range![0]);
      } else {
        break;
      }
    }
    return line;
  };
  let value: unknown;
  try {
    const usable = errors.every((error) => options.valueDespiteDuplicateKeys && error.duplicateKey);
    value = usable ? document.toJS({ maxAliasCount: 100 }) : undefined;
  } catch (error) {
    errors.push({ line: firstLine, column: 1, message: error instanceof Error ? error.message : String(error) });
  }
  return { value, errors, lineOf };
}
