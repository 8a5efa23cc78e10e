import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYamlText } from 'yaml';
import { ruleIds } from '../../src/core/metadata/schema';
import { settingsJsonSchema } from '../../src/core/settings/settings-json-schema';
import { readSettingsFile } from '../../src/core/settings/settings';

const projectRoot = path.resolve(__dirname, '../../../..');
const settingsFile = path.resolve('/work/space/citewise.yaml');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(settingsJsonSchema());
}

/** What the schema says of a citewise.yaml, and what Citewise itself says of it. */
function verdicts(yamlText: string): { schema: boolean; citewise: boolean; errors: string } {
  const validate = validator();
  const schema = validate(parseYamlText(yamlText) ?? {});
  const citewise = readSettingsFile(settingsFile, yamlText).problems.length === 0;
  return { schema, citewise, errors: JSON.stringify(validate.errors) };
}

const valid = [
  [
    'corpus: corpus            # a path or a list of paths',
    'timeframe:',
    '  from: 2021-03-31',
    '  to: 2023-12-06',
    '  languages:',
    '    sq: { from: 2021-03-31, to: 2023-06-15 }',
    '    EN: { to: 2023 }',
    'rules:',
    '  uncited-claim: warning',
    '  quote-uncited: off',
    '  source-undated: hint',
    'skipSections: [Methodology, Acknowledgements, Contents]',
    'quoteMinWords: 5',
  ].join('\n'),
  'corpus:\n  - sources\n  - ../shared/corpus\n',
  'timeframe:\n  from: 2022-01\n  to: 2023\n',
  'timeframe:\n  from: " 2022 "\n',
  'rules: {}\n',
  'skipSections: []\n',
  '',
  '# only a comment\n',
];

const invalid = [
  'corpsu: sources\n', // unknown setting
  'citewise:\n  corpus: sources\n', // front-matter nesting does not belong in citewise.yaml
  'corpus: ""\n',
  'corpus: [sources, ""]\n',
  'corpus: 3\n',
  'timeframe: 2021\n',
  'timeframe:\n  from: 21.09.2022\n',
  'timeframe:\n  to: 2023-5\n',
  'timeframe:\n  to: 23\n',
  'timeframe:\n  languages:\n    sq: 2021\n',
  'timeframe:\n  languages:\n    sq: { from: March 2021 }\n',
  'rules:\n  uncited-claims: warning\n', // unknown rule
  'rules:\n  unknown-source: fatal\n',
  'rules:\n  unknown-source: true\n',
  'rules: [uncited-claim]\n',
  'skipSections: Methodology\n',
  'skipSections: [1, 2]\n',
  'quoteMinWords: 0\n',
  'quoteMinWords: 2.5\n',
  'quoteMinWords: five\n',
  '- corpus\n',
];

describe('settings JSON Schema (citewise.yaml)', () => {
  it('is a valid draft-07 schema with a title and a description for every property', () => {
    const schema = settingsJsonSchema() as Record<string, unknown>;
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(typeof schema.title, 'string');
    const ajv = new Ajv({ strict: true });
    assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
    const undescribed: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string' || child.description.length < 10) undescribed.push(`${where}${name}`);
        visit(child, `${where}${name}.`);
        if (typeof child.additionalProperties === 'object') visit(child.additionalProperties as Record<string, unknown>, `${where}${name}.*.`);
      }
    };
    visit(schema, '');
    assert.deepEqual(undescribed, []);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(properties), ['corpus', 'timeframe', 'rules', 'skipSections', 'quoteMinWords', 'citationStyle']);
    assert.deepEqual(Object.keys(properties.rules.properties as object), [...ruleIds], 'every rule is listed, for completion');
  });

  it('accepts what Citewise accepts', () => {
    for (const text of valid) {
      const verdict = verdicts(text);
      assert.equal(verdict.citewise, true, `Citewise accepts:\n${text}`);
      assert.equal(verdict.schema, true, `the schema accepts:\n${text}\n${verdict.errors}`);
    }
  });

  it('rejects what Citewise rejects', () => {
    for (const text of invalid) {
      const verdict = verdicts(text);
      assert.equal(verdict.citewise, false, `Citewise rejects:\n${text}`);
      assert.equal(verdict.schema, false, `the schema rejects:\n${text}`);
    }
  });

  it('leaves to Citewise what JSON Schema cannot say: calendar dates and from after to', () => {
    for (const text of ['timeframe:\n  from: 2022-02-30\n', 'timeframe:\n  from: 2023\n  to: 2022\n']) {
      const verdict = verdicts(text);
      assert.deepEqual([verdict.schema, verdict.citewise], [true, false], text);
    }
  });

  it('is what the build writes to out/citewise.schema.json, the file package.json validates citewise.yaml with', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    const entry = manifest.contributes.yamlValidation.find((item: { fileMatch: string }) => item.fileMatch === 'citewise.yaml');
    const file = path.resolve(projectRoot, entry.url);
    assert.equal(file, path.join(projectRoot, 'out/citewise.schema.json'));
    assert.ok(fs.existsSync(file), `${file} is missing: run \`node esbuild.mjs\` first`);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), settingsJsonSchema());
  });
});
