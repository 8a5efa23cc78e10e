import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how Citewise was called: reported in one line, with exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the hint points at. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const exitCodes = {
  ok: 0,
  findings: 1,
  usage: 2,
  /** Citewise itself failed; kept apart from 1 so CI can tell a broken run from a failing report. */
  internal: 3,
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const satisfies Options;

export const corpusOption = {
  corpus: { type: 'string', multiple: true },
  'allow-corpus': { type: 'string', multiple: true },
} as const satisfies Options;

/** How --corpus and --allow-corpus read in each command's help. */
export const corpusOptionsHelp = `  --allow-corpus DIR
                   Also read a corpus that a report or citewise.yaml declares
                   inside DIR. Without it, a declared corpus must lie inside the
                   workspace (the repository, or the declaring file's folder).`;

export const formatOption = {
  format: { type: 'string', short: 'f' },
} as const satisfies Options;

/** `parseArgs` with strict checking, its errors turned into usage errors for the command. */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's messages end with advice about `--` that makes no sense for Citewise's options.
  return message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '.').replace(/\.?\s*$/, '.');
}

export function chooseFormat<const F extends string>(command: string, value: string | undefined, formats: readonly F[]): F {
  if (value === undefined) return formats[0];
  if ((formats as readonly string[]).includes(value)) return value as F;
  const choices = formats.length === 1 ? formats[0] : `${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}`;
  throw new UsageError(`Unknown format "${value}" for ${command}; use --format ${choices}.`, command);
}

export function positiveInteger(command: string, option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} must be a whole number of at least 1, not "${value}".`, command);
  return Number(value);
}
