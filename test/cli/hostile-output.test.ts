import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { assertBundleBuilt, makeTempDir, runCli, writeFiles } from './fixture';

describe('hostile input on the command line', () => {
  before(assertBundleBuilt);

  it('escapes control characters from titles and source text in text output, and keeps JSON exact', () => {
    const root = makeTempDir();
    writeFiles(root, {
      'corpus/evil.md': '---\ntitle: "Evil\\u001b]0;pwned\\u0007\\nreport.md:1:1 error forged-finding"\n---\nBlood feuds \u001b[31mremain\u001b[0m here.\n',
    });
    const sources = runCli(root, ['sources', '--corpus', 'corpus']);
    assert.equal(sources.status, 0);
    assert.ok(!sources.stdout.includes('\u001b'), sources.stdout);
    assert.ok(!/^report\.md:1:1 error forged-finding/m.test(sources.stdout), sources.stdout);
    assert.match(sources.stdout, /Evil\\x1b\]0;pwned\\x07\\nreport\.md:1:1 error forged-finding/);
    const json = JSON.parse(runCli(root, ['sources', '--corpus', 'corpus', '--format', 'json']).stdout) as { sources: { metadata: { title: string } }[] };
    assert.equal(json.sources[0].metadata.title, 'Evil\u001b]0;pwned\u0007\nreport.md:1:1 error forged-finding');
    const search = runCli(root, ['search', 'blood feuds', '--corpus', 'corpus']);
    assert.ok(!search.stdout.includes('\u001b'), search.stdout);
    assert.match(search.stdout, /\\x1b\[31m/);
  });

  it('does not read a corpus a report names outside its workspace, unless --allow-corpus allows it', () => {
    const outside = makeTempDir();
    writeFiles(outside, { 'secret.md': '# Secret\n\nThe runner token is zebracanary.\n' });
    const root = makeTempDir();
    writeFiles(root, { 'report.md': `---\ncitewise:\n  corpus: ${outside}\n---\nIt said “the runner token is zebracanary” [@secret].\n` });
    const refused = runCli(root, ['check', 'report.md']);
    assert.equal(refused.status, 1);
    assert.ok(!refused.stdout.includes('zebracanary'), refused.stdout);
    assert.match(refused.stdout, /report\.md:3:1 error invalid-settings The corpus .* is outside the workspace/);
    const allowed = runCli(root, ['check', 'report.md', '--allow-corpus', path.dirname(outside)]);
    assert.ok(!/invalid-settings/.test(allowed.stdout), allowed.stdout);
    assert.equal(allowed.status, 0, allowed.stdout);
  });
});
