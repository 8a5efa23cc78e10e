import { renderHighlighted } from '../core/search/search';
import { cliWorkspace } from './cli-workspace';
import { chooseFormat, commonOptions, corpusOption, corpusOptionsHelp, exitCodes, formatOption, parseCommandArgs, positiveInteger, UsageError } from './args';
import { resolveCorpus } from './corpus-option';
import { escapeControls, paint, portablePath, useColour } from './terminal';

export const searchHelp = `Usage: citewise search QUERY [--corpus DIR]... [--limit N] [--format text|json]

Finds the passages of the corpus that best match QUERY. Every word must occur,
in any order; \`word*\` matches any word that starts with "word"; "quoted phrases"
must occur as written.

Options:
  --corpus DIR     Corpus folder; without it, the corpus that the nearest
                   citewise.yaml (in this folder or above) declares.
${corpusOptionsHelp}
  --limit N        Show at most N passages (default 10).
  --format FORMAT  text (default): key:line:col and the passage with the matches
                   marked; json: an array of hits.
  -h, --help       Show this help.
`;

const formats = ['text', 'json'] as const;

export async function runSearch(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('search', argv, {
    ...commonOptions,
    ...corpusOption,
    ...formatOption,
    limit: { type: 'string', short: 'n' },
  });
  if (values.help) {
    process.stdout.write(searchHelp);
    return exitCodes.ok;
  }
  const format = chooseFormat('search', values.format, formats);
  const limit = positiveInteger('search', '--limit', values.limit, 10);
  // Unquoted words arrive as separate arguments; they are one query.
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('No query given: name the words to search for, e.g. citewise search "blood feud".', 'search');
  const roots = await resolveCorpus('search', values);
  const workspace = cliWorkspace();
  const { corpus } = await workspace.corpus(roots);
  const hits = (await workspace.search(roots)).search(query, { limit, prefix: false });

  if (format === 'json') {
    const withFiles = hits.map((hit) => {
      const file = corpus.get(hit.key)?.path;
      return file ? { ...hit, file: portablePath(file) } : hit;
    });
    process.stdout.write(`${JSON.stringify(withFiles, null, 2)}\n`);
    return exitCodes.ok;
  }
  const colour = useColour();
  const p = paint(colour);
  let output = '';
  for (const hit of hits) {
    // Without colour the marks must survive copying into plain text, and «» rarely occur in sources themselves.
    const passage = colour ? renderHighlighted(hit, '\u001b[1m', '\u001b[22m', escapeControls) : renderHighlighted(hit, '«', '»', escapeControls);
    output += `${p.bold(`${escapeControls(hit.key)}:${hit.line}:${hit.column}`)}\n  ${passage}\n\n`;
  }
  process.stdout.write(output);
  if (hits.length === 0) process.stderr.write(`No passage matches "${escapeControls(query)}".\n`);
  return exitCodes.ok;
}
