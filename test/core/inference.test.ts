import { strict as assert } from 'node:assert';
import { describeDate } from '../../src/core/metadata/inference';

describe('describeDate', () => {
  it('says where an inferred date was read, and when it is weak', () => {
    const inferred = (line: number | undefined, confidence: 'low' | 'medium' | 'high', cue = 'date alone on a line') => ({
      metadata: { date: '2022' },
      provenance: { date: { origin: 'inferred' as const, file: 'a.txt', line, cue, confidence } },
    });
    assert.equal(describeDate(inferred(27, 'low')), '2022, inferred from line 27, low confidence');
    assert.equal(describeDate(inferred(3, 'high')), '2022, inferred from line 3');
    assert.equal(describeDate(inferred(undefined, 'high', 'JSON-LD datePublished')), '2022, inferred from JSON-LD datePublished');
  });

  it('shows a date an author wrote down as it is, and nothing for an undated source', () => {
    assert.equal(describeDate({ metadata: { date: '2021-05' }, provenance: { date: { origin: 'manifest', file: 'corpus.yaml', line: 4 } } }), '2021-05');
    assert.equal(describeDate({ metadata: {}, provenance: {} }), undefined);
  });
});
