import { strict as assert } from 'node:assert';
import { manifestWithDate } from '../../src/core/corpus/manifest-edit';

describe('manifestWithDate', () => {
  it('sets the date of the entry for the file, keeping comments and other entries', () => {
    const manifest = '# Sources we cite\nsources:\n  - file: a.txt # the ministry report\n    title: A\n  - key: other\n    date: 2020\n';
    assert.equal(
      manifestWithDate(manifest, 'a.txt', '2022-09'),
      '# Sources we cite\nsources:\n  - file: a.txt # the ministry report\n    title: A\n    date: 2022-09\n  - key: other\n    date: 2020\n',
    );
    assert.equal(manifestWithDate('sources:\n  - file: a.txt\n    date: 2019\n', 'a.txt', '2022'), 'sources:\n  - file: a.txt\n    date: "2022"\n');
  });

  it('appends an entry for a file it does not list, and starts a manifest where there is none', () => {
    assert.equal(manifestWithDate('sources:\n  - file: a.txt\n', 'b/c.html', '2021-05-03'), 'sources:\n  - file: a.txt\n  - file: b/c.html\n    date: 2021-05-03\n');
    assert.equal(manifestWithDate('', 'a.txt', '2022'), 'sources:\n  - file: a.txt\n    date: "2022"\n');
    assert.equal(manifestWithDate('sources: []\n', 'a.txt', '2022'), 'sources:\n  - file: a.txt\n    date: "2022"\n');
  });

  it('leaves a manifest it cannot edit safely to the author', () => {
    assert.equal(manifestWithDate('sources: [unclosed\n', 'a.txt', '2022'), undefined);
    assert.equal(manifestWithDate('- a list\n', 'a.txt', '2022'), undefined);
    assert.equal(manifestWithDate('sources: not a list\n', 'a.txt', '2022'), undefined);
  });
});
