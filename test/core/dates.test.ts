import { strict as assert } from 'node:assert';
import {
  findDateInText,
  findDatesInText,
  formatIsoDate,
  inferPublicationDate,
  pastDateBound,
  publicationCueDate,
  isValidIsoDate,
  isoDateRange,
  parseIsoDate,
  parseLooseDate,
} from '../../src/core/metadata/dates';

describe('dates', () => {
  describe('isValidIsoDate', () => {
    it('accepts the three ISO shapes when they name real dates', () => {
      for (const value of ['2022', '2022-09', '2022-09-21', '2024-02-29', '2000-02-29', '1999-12-31', '2022-01-01']) {
        assert.equal(isValidIsoDate(value), true, value);
      }
    });

    it('rejects impossible dates and other shapes', () => {
      for (const value of [
        '2023-02-29', '1900-02-29', '2022-13', '2022-00', '2022-09-31', '2022-09-00', '2022-9', '2022-09-1',
        '22', '20222', ' 2022', '2022 ', '2022-09-21T10:00', '2022/09/21', '', 'abcd',
      ]) {
        assert.equal(isValidIsoDate(value), false, value);
      }
    });
  });

  describe('parseIsoDate and formatIsoDate', () => {
    it('parses to the parts that are present', () => {
      assert.deepEqual(parseIsoDate('2022'), { year: 2022 });
      assert.deepEqual(parseIsoDate('2022-09'), { year: 2022, month: 9 });
      assert.deepEqual(parseIsoDate('2022-09-21'), { year: 2022, month: 9, day: 21 });
      assert.equal(parseIsoDate('2023-02-29'), undefined);
      assert.equal(parseIsoDate('September 2022'), undefined);
    });

    it('formats zero-padded', () => {
      assert.equal(formatIsoDate({ year: 2022 }), '2022');
      assert.equal(formatIsoDate({ year: 2022, month: 9 }), '2022-09');
      assert.equal(formatIsoDate({ year: 2022, month: 9, day: 1 }), '2022-09-01');
      assert.equal(formatIsoDate({ year: 987, month: 12, day: 31 }), '0987-12-31');
    });

    it('round-trips', () => {
      for (const value of ['1999', '2022-02', '2024-02-29']) {
        assert.equal(formatIsoDate(parseIsoDate(value)!), value);
      }
    });
  });

  describe('isoDateRange', () => {
    it('widens a year to the whole year', () => {
      assert.deepEqual(isoDateRange('2022'), { start: '2022-01-01', end: '2022-12-31' });
    });

    it('widens a month to its real last day, leap years included', () => {
      assert.deepEqual(isoDateRange('2022-09'), { start: '2022-09-01', end: '2022-09-30' });
      assert.deepEqual(isoDateRange('2022-12'), { start: '2022-12-01', end: '2022-12-31' });
      assert.deepEqual(isoDateRange('2023-02'), { start: '2023-02-01', end: '2023-02-28' });
      assert.deepEqual(isoDateRange('2024-02'), { start: '2024-02-01', end: '2024-02-29' });
    });

    it('keeps a full date as a one-day range', () => {
      assert.deepEqual(isoDateRange('2022-09-21'), { start: '2022-09-21', end: '2022-09-21' });
    });

    it('throws on an invalid date rather than inventing a range', () => {
      assert.throws(() => isoDateRange('2022-13'), RangeError);
      assert.throws(() => isoDateRange('September 2022'), RangeError);
    });
  });

  describe('findDateInText', () => {
    const cases: Array<[string, string, string]> = [
      ['21 September 2022', 'day month year', '2022-09-21'],
      ['21st September 2022', 'ordinal day', '2022-09-21'],
      ['the 2nd of May 2021', 'ordinal with of', '2021-05-02'],
      ['September 21, 2022', 'US order', '2022-09-21'],
      ['Sep 21, 2022', 'abbreviated US order', '2022-09-21'],
      ['September 2022', 'month year', '2022-09'],
      ['Sept. 2022', 'Sept. abbreviation', '2022-09'],
      ['Sep 2022', 'Sep abbreviation', '2022-09'],
      ['SEPTEMBER 2022', 'upper case', '2022-09'],
      ['2022-09-21', 'ISO date', '2022-09-21'],
      ['2022-09', 'ISO month', '2022-09'],
      ['21/09/2022', 'slashes, day first', '2022-09-21'],
      ['21.09.2022', 'dots, day first', '2022-09-21'],
      ['21-09-2022', 'dashes, day first', '2022-09-21'],
      ['1/9/2022', 'single digits, day first', '2022-09-01'],
      ['21 shtator 2022', 'Albanian', '2022-09-21'],
      ['shtator 2022', 'Albanian month year', '2022-09'],
      ['më 21 shtator 2022', 'Albanian with më', '2022-09-21'],
      ['SHTATOR 2022', 'Albanian upper case', '2022-09'],
      ['5 nëntor 2021', 'nëntor with diacritic', '2021-11-05'],
      ['5 nentor 2021', 'nentor without diacritic', '2021-11-05'],
      ['NËNTOR 2021', 'NËNTOR upper case', '2021-11'],
      ['5 ne\u0308ntor 2021', 'decomposed ë', '2021-11-05'],
      ['1 janar 2020', 'janar', '2020-01-01'],
      ['28 shkurt 2020', 'shkurt', '2020-02-28'],
      ['mars 2020', 'mars', '2020-03'],
      ['prill 2020', 'prill', '2020-04'],
      ['15 maj 2020', 'maj', '2020-05-15'],
      ['qershor 2020', 'qershor', '2020-06'],
      ['Korrik 2020', 'korrik', '2020-07'],
      ['gusht 2020', 'gusht', '2020-08'],
      ['tetor 2020', 'tetor', '2020-10'],
      ['31 dhjetor 2020', 'dhjetor', '2020-12-31'],
      ['15. März 2021', 'German', '2021-03-15'],
      ['15 czerwca 2021', 'Polish genitive', '2021-06-15'],
      ['15. června 2021', 'Czech genitive', '2021-06-15'],
      ['15 июня 2021 г.', 'Russian genitive', '2021-06-15'],
      ['15 червня 2021', 'Ukrainian genitive', '2021-06-15'],
      ['15 Ιουνίου 2021', 'Greek genitive', '2021-06-15'],
      ['15 Haziran 2021', 'Turkish', '2021-06-15'],
      ['15 Agustus 2021', 'Indonesian', '2021-08-15'],
      ['15 augusti 2021', 'Swedish', '2021-08-15'],
      ['15. kesäkuuta 2021', 'Finnish', '2021-06-15'],
      ['15 iunie 2021', 'Romanian', '2021-06-15'],
      ['2021. június 15.', 'Hungarian, year first', '2021-06-15'],
      ['15 يونيو 2021', 'Arabic', '2021-06-15'],
      ['24 نيسان / أبريل 2020', 'Arabic, Levantine and international names', '2020-04-24'],
      ['15 ביוני 2021', 'Hebrew', '2021-06-15'],
      ["24 d'abril de 2020", 'Catalan', '2020-04-24'],
      ['24. travnja 2020.', 'Croatian genitive', '2020-04-24'],
      ['24. децембар 2020.', 'Serbian Cyrillic', '2020-12-24'],
      ['24 декември 2020 г.', 'Bulgarian and Macedonian', '2020-12-24'],
      ['24. apríla 2020', 'Slovak', '2020-04-24'],
      ['24 avr. 2020', 'French abbreviation', '2020-04-24'],
      ['24 dic 2020', 'Spanish abbreviation', '2020-12-24'],
      ['2023年6月15日', 'Chinese and Japanese', '2023-06-15'],
      ['发布于2023年6月15日', 'Chinese with letters touching the year', '2023-06-15'],
      ['2023년 6월 15일', 'Korean', '2023-06-15'],
      ['2023年6月', 'Chinese month and year', '2023-06'],
    ];
    for (const [text, label, expected] of cases) {
      it(`reads ${label}: ${JSON.stringify(text)}`, () => {
        const found = findDateInText(text);
        assert.ok(found, `no date found in ${text}`);
        assert.equal(formatIsoDate(found.date), expected);
      });
    }

    it('reports where the date is and how long it is', () => {
      const text = 'Published on 21 September 2022 by the ministry.';
      const found = findDateInText(text);
      assert.deepEqual(found, { date: { year: 2022, month: 9, day: 21 }, index: 13, length: 17 });
      assert.equal(text.slice(found.index, found.index + found.length), '21 September 2022');
    });

    it('takes the whole date rather than its month-year tail', () => {
      const found = findDateInText('Tirana, më 21 shtator 2022');
      assert.equal(found?.index, 11);
      assert.deepEqual(found?.date, { year: 2022, month: 9, day: 21 });
    });

    it('returns the first date in reading order', () => {
      assert.deepEqual(findDateInText('Revised 2023-01-05, first issued 3 May 2021')?.date, { year: 2023, month: 1, day: 5 });
      assert.deepEqual(findDateInText('From March 2020 to 2021-06')?.date, { year: 2020, month: 3 });
    });

    it('skips impossible dates whole', () => {
      const found = findDateInText('due 31 February 2022, moved to 2 March 2022');
      assert.deepEqual(found?.date, { year: 2022, month: 3, day: 2 });
      assert.deepEqual(findDateInText('31.02.2022 or 01.03.2022')?.date, { year: 2022, month: 3, day: 1 });
      assert.equal(findDateInText('2022-02-30'), undefined);
      assert.equal(findDateInText('29 February 2023'), undefined);
      assert.deepEqual(findDateInText('29 February 2024')?.date, { year: 2024, month: 2, day: 29 });
    });

    it('does not take a bare year or a number for a date', () => {
      assert.equal(findDateInText('the 2019 report'), undefined);
      assert.equal(findDateInText('2019'), undefined);
      assert.equal(findDateInText('between 1999-2022 the figure rose'), undefined);
      assert.equal(findDateInText('There were 12 cases in 2020.'), undefined);
      assert.equal(findDateInText('21 September'), undefined);
    });

    it('does not read the modal verb may as a month', () => {
      assert.equal(findDateInText('Prices may 2019 levels'), undefined);
      assert.equal(findDateInText('They may return in 2022.'), undefined);
      assert.deepEqual(findDateInText('May 2022')?.date, { year: 2022, month: 5 });
      assert.deepEqual(findDateInText('on 3 May 2022')?.date, { year: 2022, month: 5, day: 3 });
      assert.deepEqual(findDateInText('May 3, 2022')?.date, { year: 2022, month: 5, day: 3 });
    });

    it('respects word boundaries', () => {
      assert.equal(findDateInText('Marseille 2022'), undefined);
      assert.equal(findDateInText('Decade 2020'), undefined);
      assert.equal(findDateInText('ID 121/09/20222'), undefined);
      assert.equal(findDateInText('version 1.21.09.2022'), undefined);
      assert.equal(findDateInText('x2022-09-21'), undefined);
    });

    it('accepts only years 1900 to 2099', () => {
      assert.equal(findDateInText('21 September 1899'), undefined);
      assert.equal(findDateInText('21 September 2100'), undefined);
      assert.deepEqual(findDateInText('1 January 1900')?.date, { year: 1900, month: 1, day: 1 });
      assert.deepEqual(findDateInText('31 December 2099')?.date, { year: 2099, month: 12, day: 31 });
    });

    it('reads the date part of a timestamp', () => {
      assert.deepEqual(findDateInText('updated 2022-09-21T10:00:00Z')?.date, { year: 2022, month: 9, day: 21 });
    });

    it('reads a date wrapped onto the next line, but not across a blank line', () => {
      assert.deepEqual(findDateInText('signed on 21\nSeptember 2022')?.date, { year: 2022, month: 9, day: 21 });
      assert.equal(findDateInText('September\n\n2022'), undefined);
    });

    it('returns undefined for empty text', () => {
      assert.equal(findDateInText(''), undefined);
    });

    it('takes a month named twice only when both names are the same month', () => {
      assert.equal(findDateInText('24 نيسان / مايو 2020'), undefined);
      assert.equal(findDateInText('Jan/Feb 2022'), undefined);
      assert.deepEqual(findDateInText('Jan/Jan 2022')?.date, { year: 2022, month: 1 });
    });

    it('reads a year first only as Hungarian writes it, with its dot and a Hungarian month', () => {
      assert.equal(findDateInText('In 2020 május 24 people came'), undefined);
      assert.equal(findDateInText('It closed in 2020. May 24 people stayed.'), undefined);
      assert.deepEqual(findDateInText('Megjelent: 2020. május 24.')?.date, { year: 2020, month: 5, day: 24 });
    });

    it('reads a two-digit year only when asked to', () => {
      assert.equal(findDateInText('Version 30.10.23 fixes it'), undefined);
      assert.deepEqual(findDateInText('Party, 30.10.23', { shortYears: true })?.date, { year: 2023, month: 10, day: 30 });
      assert.deepEqual(findDateInText('31.12.98', { shortYears: true })?.date, { year: 1998, month: 12, day: 31 });
      // Slashes and dashes stay out: 10/12/23 is October in one country and December in another.
      assert.equal(findDateInText('10/12/23', { shortYears: true }), undefined);
      assert.equal(findDateInText('1.2.3.23', { shortYears: true }), undefined);
    });

    it('findDatesInText lists every date in order', () => {
      const found = findDatesInText('From 1 March 2020 until shtator 2021, then 2022-01-15.');
      assert.deepEqual(
        found.map((match) => formatIsoDate(match.date)),
        ['2020-03-01', '2021-09', '2022-01-15'],
      );
    });
  });

  describe('pastDateBound', () => {
    it('takes the latest date after "retrieved", "accessed" or "as of", with its line', () => {
      const notes = 'Text\n1 Report, retrieved 12 May 2023.\n2 Page, accessed on 1 July 2024.\n3 As of March 2022, 40 cases.';
      assert.deepEqual(pastDateBound(notes), { date: '2024-07-01', line: 3 });
      assert.deepEqual(pastDateBound('Data as of March 2022.'), { date: '2022-03-01', line: 1 });
    });

    it('ignores a date far from the word, and text without one', () => {
      assert.equal(pastDateBound('It was retrieved by the police after a long search that ended on 3 May 2020.'), undefined);
      assert.equal(pastDateBound('No such words here, 3 May 2020.'), undefined);
    });
  });

  describe('inferPublicationDate', () => {
    /** The date and line alone; the cue and confidence are checked where they are the point. */
    const inferPublicationDateAt = (text: string, maxLines?: number): { date: string; line: number } | undefined => {
      const found = inferPublicationDate(text, maxLines);
      return found && { date: found.date, line: found.line };
    };

    it('finds the month on a thesis title page', () => {
      const thesis = [
        'EUROPEAN UNIVERSITY OF TIRANA',
        'FACULTY OF LAW',
        '',
        'MASTER THESIS',
        '',
        'The Regulation of Public Procurement',
        'in Albania after 2015',
        '',
        'Candidate: Arta Hoxha',
        'Supervisor: Prof. Dr. Ilir Kola',
        '',
        '',
        '',
        'TIRANA, ALBANIA',
        '',
        'September 2022',
        '',
        'Abstract',
        'This thesis examines the reform adopted on 12 March 2015.',
      ].join('\n');
      assert.deepEqual(inferPublicationDateAt(thesis), { date: '2022-09', line: 16 });
    });

    it('finds the date that opens a news file', () => {
      const news = '21 September 2022\n\nParliament approves the budget\n\nThe vote on 20 September 2022 followed...';
      assert.deepEqual(inferPublicationDateAt(news), { date: '2022-09-21', line: 1 });
    });

    it('reads "Posted on", "Mise en ligne le", "Erstellt am" and "Datum:" lines as publication cues', () => {
      for (const [line, date] of [
        ['Posted on 3 May 2021', '2021-05-03'],
        ['Mise en ligne le 23 mai 2019', '2019-05-23'],
        ['Erstellt am 12.01.2017', '2017-01-12'],
        ['Datum: 12.01.2017', '2017-01-12'],
      ]) {
        const found = inferPublicationDate(`Title of the page\n${line}\nThe story, told on 1 June 2020, goes on.`);
        assert.equal(found?.date, date, line);
        assert.equal(found?.confidence, 'high', line);
      }
    });

    it('reads cue lines in more languages, a weekday before the date, and the sentences blog templates print', () => {
      for (const [line, date] of [
        ['Published on Monday, 14 December 2015', '2015-12-14'],
        ['This entry was posted on Monday, December 14th, 2015 at 2:48 pm.', '2015-12-14'],
        ['Dieser Artikel wurde am 14. Dezember 2015 um 14:48 von Heiner geschrieben', '2015-12-14'],
        ['Veröffentlicht am Montag, 14.12.2015', '2015-12-14'],
        ['Publié le mardi 15 décembre 2015', '2015-12-15'],
        ['Data: 15.12.2015', '2015-12-15'],
        ['Fecha de publicación: 15 de diciembre de 2015', '2015-12-15'],
        ['Opublikowano: 15 grudnia 2015', '2015-12-15'],
        ['Опубликовано 15 декабря 2015', '2015-12-15'],
        ['تم نشره الجمعة 24 نيسان / أبريل 2020', '2020-04-24'],
      ]) {
        assert.equal(inferPublicationDate(`Title of the page\n${line}\nThe story, told on 1 June 2020, goes on.`)?.date, date, line);
      }
    });

    it('takes a cue\'s date only when it follows the cue at once', () => {
      assert.deepEqual(publicationCueDate('Posted on Friday, 3 May 2021 by Arta'), {
        cue: 'Posted on Friday, ',
        found: { date: { year: 2021, month: 5, day: 3 }, index: 18, length: 10 },
        tail: 8,
      });
      assert.equal(publicationCueDate('Date of Defense: 3 May 2021'), undefined);
      assert.equal(publicationCueDate('Published in the journal on 3 May 2021'), undefined);
      assert.equal(publicationCueDate('Datenschutz 3 May 2021'), undefined);
      assert.equal(publicationCueDate('Posted 31.10.23'), undefined);
      assert.equal(publicationCueDate('Posted 31.10.23', { shortYears: true })?.found.date.year, 2023);
    });

    it('finds an Albanian dateline', () => {
      const news = 'Lajme\r\nTiranë, më 3 nëntor 2021\r\nQeveria miratoi sot...';
      assert.deepEqual(inferPublicationDateAt(news), { date: '2021-11-03', line: 2 });
    });

    it('counts a year alone on a line when nothing fuller comes before it', () => {
      const report = '# Annual Report\n\nMinistry of Finance\n\n**2021**\n\nAdopted on 15 March 2022.';
      assert.deepEqual(inferPublicationDateAt(report), { date: '2021', line: 5 });
      assert.deepEqual(inferPublicationDateAt('Title\n  2019  \nbody'), { date: '2019', line: 2 });
    });

    it('prefers a fuller date that comes before a year line', () => {
      const report = 'Report\nMay 2021\n\n2021\n';
      assert.deepEqual(inferPublicationDateAt(report), { date: '2021-05', line: 2 });
    });

    it('does not take a year inside a sentence, or out of range, as a year line', () => {
      assert.equal(inferPublicationDate('The 2019 report\nwas revised.'), undefined);
      assert.equal(inferPublicationDate('Title\n1850\n'), undefined);
      assert.equal(inferPublicationDate('Title\n12345\n'), undefined);
    });

    it('looks only at the first maxLines lines', () => {
      const text = `${'filler line\n'.repeat(45)}21 September 2022\n`;
      assert.equal(inferPublicationDate(text), undefined);
      assert.deepEqual(inferPublicationDateAt(text, 50), { date: '2022-09-21', line: 46 });
      assert.equal(inferPublicationDate('a\nb\n1 May 2020', 2), undefined);
      assert.deepEqual(inferPublicationDateAt('a\nb\n1 May 2020', 3), { date: '2020-05-01', line: 3 });
    });

    it('reads a day opening the first paragraph before a dash as a weak dateline', () => {
      const news = 'Gedenktag\n\nVon Claudia Lindner\n\n27.1.2022 - Bei der Erinnerung an die Verfolgten waren queere Opfer oft unsichtbar.';
      assert.deepEqual(inferPublicationDate(news), { date: '2022-01-27', line: 5, cue: 'dateline without a place', confidence: 'low' });
      // A range, a date inside the sentence, or a cover date before it: no such dateline, or a better cue.
      assert.equal(inferPublicationDate('Week\n27.1.2022 - 3.2.2022 in review'), undefined);
      assert.equal(inferPublicationDate('Week\nOn 27.1.2022 - as planned - the vote took place'), undefined);
      assert.equal(inferPublicationDate('Report\n12 March 2019\n3 May 2021 – Protests begin in Tirana')?.date, '2019-03-12');
    });

    it('takes no date from an archive list, nor one a template labels as an update\'s or a comment\'s', () => {
      const archive = 'My blog\n\nArchives\nMärz 2021\nFebruar 2021\nJanuar 2021\n\nThe post goes on.';
      assert.equal(inferPublicationDate(archive), undefined);
      assert.equal(inferPublicationDate('Budget approved\nLast updated:\n5 March 2023\nThe vote went on.'), undefined);
      assert.equal(inferPublicationDate('Budget approved\n3 Comments\n6 March 2023\nGreat article!'), undefined);
      // A list after the publication date leaves that date standing.
      assert.equal(inferPublicationDate('Budget approved\n3 May 2021\n\nSee also\n\nMarch 2021\nFebruary 2021')?.date, '2021-05-03');
    });

    it('never takes a date from running prose, a footnote or a reference list', () => {
      const report = [
        'Introduction',
        '',
        'In July 2023, the Government of the United Kingdom passed the Illegal Migration Bill into law.',
        '1 Home Office, Country Policy and Information Note, 6 December 2022.',
        'Smith, J. (2021) Trafficking in Albania. London, 3 March 2021.',
      ].join('\n');
      assert.equal(inferPublicationDate(report), undefined);
    });

    it('reads a "Published" or "Date:" line as a strong cue, ahead of a date alone on a line', () => {
      const page = 'Country report\n\n12 March 2019\n\n**Published:** 3 May 2021\n';
      assert.deepEqual(inferPublicationDate(page), { date: '2021-05-03', line: 5, cue: '"Published" line', confidence: 'high' });
      assert.equal(inferPublicationDate('Date: 2020\nText')?.date, '2020');
      // 'Date of Defense' names another date than the publication's.
      assert.equal(inferPublicationDate('Date of Defense: 15 July 2022\nText'), undefined);
    });

    it('rates a cover-page date higher than one further down, and a year alone lowest', () => {
      assert.equal(inferPublicationDate('21 September 2022\nTitle')?.confidence, 'high');
      assert.equal(inferPublicationDate('a\nb\nc\nd\ne\nf\n21 September 2022')?.confidence, 'medium');
      assert.equal(inferPublicationDate('Title\n2019')?.confidence, 'low');
    });

    it('discards a date earlier than one the document treats as past', () => {
      const article = 'Abstract\n\nMay 2020\n\nText.\n\n12 UNHCR, Report (London, 2020), retrieved 1 July 2024.';
      assert.equal(inferPublicationDate(article), undefined);
      assert.equal(inferPublicationDate('August 2024\n\nAs of 1 July 2024, there were 12 shelters.')?.date, '2024-08');
      // The same month is not earlier: 'July 2024' may well be published after 1 July 2024.
      assert.equal(inferPublicationDate('July 2024\n\n(accessed 1 July 2024)')?.date, '2024-07');
    });

    it('returns undefined for an undated or empty text', () => {
      assert.equal(inferPublicationDate(''), undefined);
      assert.equal(inferPublicationDate('No date here at all.\nNone.'), undefined);
    });
  });

  describe('parseLooseDate', () => {
    const cases: Array<[string, string]> = [
      ['September 2022', '2022-09'],
      ['21 Sept. 2022', '2022-09-21'],
      ['2022-09-21T10:00:00Z', '2022-09-21'],
      ['2022-09-21T23:30:00-05:00', '2022-09-21'],
      ['Sep 21, 2022', '2022-09-21'],
      ['2022', '2022'],
      ['2022-09', '2022-09'],
      ['2022/09/21', '2022-09-21'],
      ['2022/9/1', '2022-09-01'],
      ['2022-09-21 10:00', '2022-09-21'],
      ['20220921', '2022-09-21'],
      ['21.09.2022', '2022-09-21'],
      ['Wed, 21 Sep 2022 10:00:00 GMT', '2022-09-21'],
      ['  shtator 2022 ', '2022-09'],
      ['Spring 2022', '2022'],
      ['1850-03-01', '1850-03-01'],
    ];
    for (const [value, expected] of cases) {
      it(`parses ${JSON.stringify(value)}`, () => {
        const parsed = parseLooseDate(value);
        assert.ok(parsed, `no date in ${value}`);
        assert.equal(formatIsoDate(parsed), expected);
      });
    }

    it('rejects what is not a date', () => {
      for (const value of ['', 'unknown', '0000-00-00', '2022-13-01', '2023-02-29', '31 February 2022', '20221341', 'n.d.']) {
        assert.equal(parseLooseDate(value), undefined, value);
      }
    });
  });
});
