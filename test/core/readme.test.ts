import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../src/core/checks/rules';

const readme = fs.readFileSync(path.resolve(__dirname, '../../../../README.md'), 'utf8');

describe('README', () => {
  it('lists every rule with its default severity, and no rule that does not exist', () => {
    const table = [...readme.matchAll(/^\| `([a-z-]+)` \| (\w+) \|/gm)].map((match) => [match[1], match[2]]);
    assert.deepEqual(
      table,
      Object.values(rules).map((rule) => [rule.id, rule.defaultSeverity]),
    );
  });

  it('has no relative links, which the .vsix packager cannot resolve', () => {
    const relative = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]).filter((target) => !/^(https?:|#)/.test(target));
    assert.deepEqual(relative, []);
  });

  it('gives the test command that .ci/run runs', () => {
    const ci = fs.readFileSync(path.resolve(__dirname, '../../../../.ci/run'), 'utf8');
    const command = 'npm run setup:e2e && npm test';
    assert.ok(readme.split('\n').some((line) => line.startsWith(`${command} `)), 'README gives the test command');
    assert.ok(ci.split('\n').includes(command), '.ci/run runs the test command');
  });
});
