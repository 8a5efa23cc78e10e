import { z } from 'zod';
import { rules } from '../checks/rules';
import { IsoDateSchema, ReportSettingsSchema, defaultSkipSections, ruleIds, type RuleId } from '../metadata/schema';
import { defaultQuoteMinWords } from './settings';

/**
 * The JSON Schema of `citewise.yaml`, generated from `ReportSettingsSchema` so editors (the YAML extension's
 * `yamlValidation`) check the same settings the CLI and the extension read. The build writes it to
 * `out/citewise.schema.json`.
 *
 * It describes what an author may write (zod's input side). Checks zod runs in code and JSON Schema cannot
 * state (a date that exists in the calendar, `from` not later than `to`) stay with Citewise's own
 * `invalid-settings` diagnostics.
 */
const isoDatePattern = '^\\s*\\d{4}(-\\d{2}(-\\d{2})?)?\\s*$';

type JsonSchema = Record<string, unknown>;

export function settingsJsonSchema(): object {
  const generated = z.toJSONSchema(ReportSettingsSchema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'any',
    override: (context) => {
      const schema = context.jsonSchema as JsonSchema;
      // zod bounds every integer by the safe-integer range; that is noise for an editor.
      if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
      if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
      if (context.zodSchema === IsoDateSchema) describeIsoDate(schema);
    },
  }) as JsonSchema;
  const properties = generated.properties as Record<string, JsonSchema>;
  properties.rules = ruleProperties(properties.rules);
  properties.skipSections.default = [...defaultSkipSections];
  properties.quoteMinWords.default = defaultQuoteMinWords;
  // Key order: the header first, then what zod generated.
  const { $schema: _draft, ...body } = generated;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Citewise settings (citewise.yaml)',
    description:
      'Defaults for every report at or below this folder. A report\'s own `citewise:` front matter overrides them, rule by rule.',
    ...body,
  };
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, written as a string or (a bare year) as a number. */
function describeIsoDate(schema: JsonSchema): void {
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, {
    anyOf: [
      { type: 'string', pattern: isoDatePattern },
      { type: 'integer', minimum: 1000, maximum: 9999 },
    ],
  });
}

/**
 * zod writes a partial record over the rule ids as `propertyNames` + `additionalProperties`; listing the rules
 * as properties means the same and lets editors complete rule names and show what each rule does.
 */
function ruleProperties(schema: JsonSchema): JsonSchema {
  const setting = flattenStringChoices(schema.additionalProperties as JsonSchema);
  const properties = Object.fromEntries(
    ruleIds.map((id: RuleId) => [
      id,
      { ...setting, description: `${rules[id].summary} Default: ${rules[id].defaultSeverity}.` },
    ]),
  );
  const { propertyNames: _names, additionalProperties: _values, ...rest } = schema;
  return { ...rest, properties, additionalProperties: false };
}

/** `anyOf: [{ enum: [a, b] }, { const: c }]` of strings becomes `enum: [a, b, c]`, which editors offer as choices. */
function flattenStringChoices(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf as JsonSchema[] | undefined;
  if (!options?.every((option) => option.type === 'string' && (Array.isArray(option.enum) || 'const' in option))) return schema;
  const { anyOf: _options, ...rest } = schema;
  return { ...rest, type: 'string', enum: options.flatMap((option) => (Array.isArray(option.enum) ? option.enum : [option.const])) };
}
