import { z } from 'zod';
import { citationKeyProblem } from '../report/citations';
import { isValidIsoDate } from './dates';

/**
 * The zod schemas here are the single source of truth for source metadata and report settings;
 * every type that describes them is inferred from these schemas.
 */

const sourceTypes = ['report', 'article', 'news', 'interview', 'correspondence', 'thesis', 'legislation', 'other'] as const;
const SourceTypeSchema = z.enum(sourceTypes);
export type SourceType = z.infer<typeof SourceTypeSchema>;


/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a partial date stands for the whole year or month. */
export const IsoDateSchema = z
  .union([z.string(), z.number().int()])
  .transform((value) => String(value).trim())
  .refine((value) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value), {
    message: 'expected a date written YYYY, YYYY-MM or YYYY-MM-DD',
  })
  .refine((value) => isValidIsoDate(value), { message: 'no such date in the calendar' });

const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean));

/** Metadata fields as an author writes them (front matter, manifest); every field optional. */
export const SourceFieldsSchema = z.object({
  // A key must be citable as `@key`, by pandoc's rule (citationKeyProblem says why one is not).
  key: z
    .string()
    .trim()
    .check((context) => {
      const problem = citationKeyProblem(context.value);
      if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
    }),
  title: z.string().trim().min(1),
  author: stringList,
  publisher: z.string().trim().min(1),
  date: IsoDateSchema,
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'expected a language code such as en or sq' })
    .transform((value) => value.toLowerCase()),
  type: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(SourceTypeSchema),
  url: z.string().trim().url(),
  derivedFrom: stringList,
}).partial();
export type SourceFields = z.output<typeof SourceFieldsSchema>;
export const sourceFieldNames = Object.keys(SourceFieldsSchema.shape) as (keyof SourceFields)[];

/** One entry of `corpus.yaml`; `file` links it to a document, without it the source is metadata only. */
export const ManifestEntrySchema = SourceFieldsSchema.extend({ file: z.string().trim().min(1).optional() });

export const severities = ['error', 'warning', 'info', 'hint'] as const;
const SeveritySchema = z.enum(severities);
export type Severity = z.infer<typeof SeveritySchema>;

export const ruleIds = [
  'unknown-source',
  'quote-uncited',
  'quote-outside-timeframe',
  'source-undated',
  'source-date-uncertain',
  'quote-not-in-source',
  'locator-mismatch',
  'reference-unresolved',
  'uncited-claim',
  'corpus-problem',
  'invalid-settings',
] as const;
export const RuleIdSchema = z.enum(ruleIds);
export type RuleId = z.infer<typeof RuleIdSchema>;

const TimeWindowSchema = z
  .object({
    from: IsoDateSchema.optional().describe('Start of the time frame for sources in this language (YYYY, YYYY-MM or YYYY-MM-DD).'),
    to: IsoDateSchema.optional().describe('End of the time frame for sources in this language (YYYY, YYYY-MM or YYYY-MM-DD).'),
  })
  .refine((window) => !window.from || !window.to || window.from <= window.to, {
    message: '`from` must not be later than `to`',
  })
  .describe('The time frame for sources in this language; `from` must not be later than `to`.');

const TimeframeSchema = z.object({
  from: IsoDateSchema.optional().describe(
    'Start of the research time frame (YYYY, YYYY-MM or YYYY-MM-DD). Quotes from sources dated wholly before it are flagged.',
  ),
  to: IsoDateSchema.optional().describe(
    'End of the research time frame (YYYY, YYYY-MM or YYYY-MM-DD). Quotes from sources dated wholly after it are flagged.',
  ),
  languages: z
    .record(z.string().transform((code) => code.toLowerCase()), TimeWindowSchema)
    .optional()
    .describe('Time frames for sources in one language, by language code, e.g. `sq: { from: 2021-03-31, to: 2023-06-15 }`.'),
  exempt: z
    .array(SourceTypeSchema)
    .optional()
    .describe(
      'Kinds of source the time frame does not apply to (default: interview, correspondence): material gathered for the report itself. Add `legislation` to quote laws in force whatever their year; `[]` applies the frame to everything.',
    ),
}).refine((frame) => !frame.from || !frame.to || frame.from <= frame.to, {
  message: '`from` must not be later than `to`',
});
export type Timeframe = z.infer<typeof TimeframeSchema>;

/** How an author cites: Pandoc keys, or COI references written out in `Source:` lines and footnotes. */
const CitationStyleSchema = z.enum(['pandoc', 'coi']);
export type CitationStyle = z.infer<typeof CitationStyleSchema>;

/** Sources the research time frame does not apply to unless a report says otherwise: what the authors gathered themselves. */
export const defaultTimeframeExempt: SourceType[] = ['interview', 'correspondence'];

export const RuleSettingSchema = z.union([SeveritySchema, z.literal('off')]);

/** What a report declares under `citewise:` in its front matter, or `citewise.yaml` declares for all. */
export const ReportSettingsSchema = z
  .object({
    corpus: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .describe('The corpus folder, or a list of them, relative to the file that declares it.'),
    timeframe: TimeframeSchema.describe(
      'The research time frame; quotes from sources dated outside it are flagged. `from` must not be later than `to`.',
    ),
    rules: z
      .partialRecord(RuleIdSchema, RuleSettingSchema)
      .describe('Severity per rule (`error`, `warning`, `info`, `hint`), or `off` to turn a rule off.'),
    /** Sections whose heading matches one of these (case-insensitive, whole heading) are not checked for uncited claims. */
    skipSections: z
      .array(z.string())
      .describe('Sections whose heading matches one of these names (case-insensitive, whole heading) are not checked for uncited claims.'),
    /** A quote needs at least this many words before `quote-uncited` asks for a citation. */
    quoteMinWords: z
      .number()
      .int()
      .min(1)
      .describe('The shortest quote, in words, that `quote-uncited` asks a citation for (default 5).'),
    citationStyle: CitationStyleSchema.describe(
      'What citation completion inserts: `pandoc` a key (`@key`), `coi` a COI reference (`Publisher, “Title”, 15 June 2023`).',
    ),
  })
  .partial()
  .strict();
export type ReportSettings = z.output<typeof ReportSettingsSchema>;

export const defaultSkipSections = ['Methodology', 'Acknowledgements', 'Acknowledgments', 'Contents', 'Table of Contents', 'References', 'Bibliography'];
