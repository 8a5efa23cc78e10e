import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readHtmlMetadata } from '../../src/core/html-metadata';

/**
 * Publication dates of real web pages that nobody on the team wrote, against the labels their collectors
 * gave them (test/fixtures/date-eval/README.md says where they come from and how they were chosen). The
 * goal of issue 13: the right day for at least 90% of pages, and at least 95% of the dates given right.
 */
const folder = path.resolve(__dirname, '../../../../test/fixtures/date-eval');
const COVERAGE_TARGET = 0.9;
const PRECISION_TARGET = 0.95;
/**
 * The targets are not met yet (84.0% and 92.0% when this suite was written; BENCHMARKS.md keeps the
 * figures and issue 13 stays open). Until they are, the suite holds the figures reached so far as floors,
 * so that no change makes dates worse unnoticed, and prints how far the targets still are.
 */
const RIGHT_FLOOR = 126;
const WRONG_CEILING = 11;

interface Label {
  file: string;
  url: string;
  date: string;
  set: string;
}

describe('publication dates of real web pages (labelled evaluation set)', function () {
  this.timeout(120_000);
  const labels = JSON.parse(fs.readFileSync(path.join(folder, 'labels.json'), 'utf8')) as Label[];
  let given = 0;
  let right = 0;
  const wrong: string[] = [];

  before(() => {
    for (const label of labels) {
      const html = gunzipSync(fs.readFileSync(path.join(folder, 'pages', label.file))).toString('utf8');
      // As a new user has it: the saved page alone, without the URL it was fetched from.
      const date = readHtmlMetadata(html).date;
      if (!date) continue;
      given++;
      if (date.value === label.date) right++;
      else wrong.push(`${label.file}: ${date.value} from ${date.cue} (${date.confidence}), labelled ${label.date}`);
    }
    console.log(
      `    ${labels.length} pages: right day for ${right} (coverage ${(right / labels.length * 100).toFixed(1)}%, target ${COVERAGE_TARGET * 100}%), ` +
        `${given} dates given, ${given - right} wrong (precision ${(right / given * 100).toFixed(1)}%, target ${PRECISION_TARGET * 100}%)`,
    );
  });

  it('holds at least 100 labelled pages', () => {
    assert.ok(labels.length >= 100, `${labels.length} pages`);
  });

  it(`gives the right day for at least ${RIGHT_FLOOR} of the pages (the target, ${COVERAGE_TARGET * 100}%, is not met yet)`, () => {
    assert.ok(right >= RIGHT_FLOOR, `coverage ${right}/${labels.length}`);
  });

  it(`gives no more than ${WRONG_CEILING} wrong dates (the target, at most ${Math.round((1 - PRECISION_TARGET) * 100)}% of the dates given, is not met yet)`, () => {
    assert.ok(given - right <= WRONG_CEILING, `precision ${right}/${given}; wrong:\n${wrong.join('\n')}`);
  });
});
