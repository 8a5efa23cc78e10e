import { strict as assert } from 'node:assert';
import { formatCoiReference, isBareReference, parseReferences, type FreeTextReference } from '../../src/core/report/references';
import { analyzeReport } from '../../src/core/report/report';

/**
 * The reference lines here copy the shapes of the seed COI report's `Source:` lines (its variants of
 * quote marks, locators, labels, wrapping and dates), with titles and publishers of our own.
 */
function one(text: string): FreeTextReference {
  const parsed = parseReferences(text, 0);
  assert.equal(parsed.length, 1, `one reference in ${text}: ${JSON.stringify(parsed)}`);
  return parsed[0];
}

function fields(reference: FreeTextReference) {
  return {
    contributors: reference.contributors,
    title: reference.title,
    date: reference.date,
    pages: reference.locator?.pages.map((range) => (range.from === range.to ? range.from : `${range.from}-${range.to}`)),
    kind: reference.kind,
  };
}

describe('free-text references', () => {
  describe('published material', () => {
    it('reads publisher, title, day and page', () => {
      assert.deepEqual(fields(one('Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023, p. 45')), {
        contributors: 'Harbour Watch',
        title: 'Annual Review of Coastal Shelters',
        date: '2023-06-15',
        pages: ['45'],
        kind: 'published',
      });
    });

    it('reads every way the pages are written', () => {
      const pages = (locator: string) => fields(one(`Harbour Watch, “Review”, December 2022, ${locator}`)).pages;
      assert.deepEqual(pages('pp. 6-7'), ['6-7']);
      assert.deepEqual(pages('pp. 7 and 10'), ['7', '10']);
      assert.deepEqual(pages('pp.10-11'), ['10-11']);
      assert.deepEqual(pages('pp. 13 -15'), ['13-15']);
      assert.deepEqual(pages('pp. 12; 105'), ['12', '105']);
      assert.deepEqual(pages('pp. 33-34, 55'), ['33-34', '55']);
      assert.deepEqual(pages('pp. 45 – 48'), ['45-48']);
      assert.deepEqual(pages('p.96'), ['96']);
      assert.deepEqual(pages('p 58'), ['58']);
      assert.deepEqual(pages('pp. 9-10 and 12-13'), ['9-10', '12-13']);
    });

    it('keeps a page list apart from a year written after it', () => {
      const reference = one('Harbour Watch, “Services for Survivors”, pp.27-28, 2021');
      assert.deepEqual(fields(reference).pages, ['27-28']);
      assert.equal(reference.date, '2021');
    });

    it('reads labelled publishers and authors, and (Author)/(publisher) roles', () => {
      const labelled = one('Publisher: Coastal Rights Centre, Authors: Judge Ana Verda, Dr Ilir Marku, “Legal Framework Review”, 2021');
      assert.equal(labelled.publisher, 'Coastal Rights Centre');
      assert.deepEqual(labelled.authors, ['Judge Ana Verda', 'Dr Ilir Marku']);
      assert.equal(labelled.title, 'Legal Framework Review');
      const roles = one('Northern Network - NN (Author), Harbour Watch (publisher), “Day Against Exploitation: Men and Boys”, 31 July 2023');
      assert.equal(roles.publisher, 'Harbour Watch');
      assert.deepEqual(roles.authors, ['Northern Network - NN']);
    });

    it('reads straight, curly, mismatched and nested quote marks', () => {
      assert.equal(one('Harbour Watch, "Straight Title", 2022').title, 'Straight Title');
      assert.equal(one('IOM,”Strategy for the Coast (2022-2025)”, October 2022, p. 10').title, 'Strategy for the Coast (2022-2025)');
      assert.equal(one('Gazeta, “Alarm: shqetësim për “viktima” edhe fëmijët!”, 18 July 2022').title, 'Alarm: shqetësim për “viktima” edhe fëmijët!');
      assert.equal(one('UNICEF, “Child-Notice-2021.pdf,” 2022, p.17').title, 'Child-Notice-2021.pdf');
      assert.equal(one('Leka and Ndoj, “Corruption and crime”, Journal “Olcinium” [Časopis “Olcinium”], 2022').title, 'Corruption and crime');
    });

    it('takes the publication date after the title, never a year inside it', () => {
      const reference = one('IOM, “IOM Strategy for the Coast (2022-2025)”, October 2022');
      assert.equal(reference.date, '2022-10');
      assert.equal(one('Commission, “Coast 2023 Report”, 8 November 2023, p. 45').date, '2023-11-08');
      assert.equal(one('Committee, “Third report, due in 2016 [Date received: 19 July 2021]”, 5 April 2022, p. 26').date, '2022-04-05');
      assert.equal(one('UNICEF, “Child-Notice-2021.pdf” 2022, p.21').date, '2022');
      assert.equal(one('OHCHR, “Report of the Special Rapporteur”, June-July 2021 p. 6').date, '2021-07');
    });

    it('reads a title written without quote marks between the publisher and the date', () => {
      const reference = one('US Department of Harbours (USDH), 2022 Country Reports on Coastal Practices, 20 March 2023');
      assert.equal(reference.title, '2022 Country Reports on Coastal Practices');
      assert.equal(reference.date, '2023-03-20');
    });

    it('tells `undated` from a reference with no date at all', () => {
      const undated = one('UNICEF, “Country Office Annual Report 2022”, undated');
      assert.equal(undated.undated, true);
      assert.equal(undated.date, undefined);
      const none = one('US Department of Harbours, “2023 Coastal Report: Albania”');
      assert.equal(none.undated, false);
      assert.equal(none.date, undefined);
      assert.equal(none.title, '2023 Coastal Report: Albania');
    });

    it('reads a title whose closing mark is missing up to the date', () => {
      const reference = one('UNDP, “A detailed analysis. Registered jobseekers in the region, 10 May 2022, pp. 17-18');
      assert.equal(reference.title, 'A detailed analysis. Registered jobseekers in the region');
      assert.equal(reference.date, '2022-05-10');
    });
  });

  describe('interviews and correspondence', () => {
    it('reads interviews, written communication and clarifications as unpublished material', () => {
      assert.deepEqual(fields(one('Harbour Shelter, interview record, 5 June 2023')), {
        contributors: 'Harbour Shelter',
        title: undefined,
        date: '2023-06-05',
        pages: undefined,
        kind: 'interview',
      });
      assert.equal(one('Asylos interview with a shelter coordinator, 12 May 2023').kind, 'interview');
      assert.equal(one('Harbour Shelter, written clarifications, 19 December 2023').kind, 'correspondence');
      assert.equal(one('Dr Ana Verda, written communication with Asylos, 15 June 2023').kind, 'correspondence');
    });

    it('splits several references in one line, by semicolons or after each dated one', () => {
      const bySemicolon = parseReferences('Shelter A, written communication with Asylos, 20 June 2023; Shelter B, interview record, 5 June 2023', 0);
      assert.deepEqual(bySemicolon.map((reference) => [reference.contributors, reference.date, reference.kind]), [
        ['Shelter A', '2023-06-20', 'correspondence'],
        ['Shelter B', '2023-06-05', 'interview'],
      ]);
      const byComma = parseReferences('Shelter A, written communication with Asylos, 29 June 2023, Shelter B, written communication with Asylos, 21 June 2023', 0);
      assert.deepEqual(byComma.map((reference) => reference.contributors), ['Shelter A', 'Shelter B']);
      assert.deepEqual(byComma.map((reference) => reference.date), ['2023-06-29', '2023-06-21']);
    });

    it('reads laws as legislation', () => {
      assert.equal(one('Republic of Albania, “LAW No. 18/2017 ON THE RIGHTS AND PROTECTION OF THE CHILD”, 2017, p. 31').kind, 'legislation');
    });
  });

  it('keeps offsets into the report', () => {
    const text = 'Source: Harbour Watch, “Review”, 2022';
    const [reference] = parseReferences(text.slice(8), 8);
    assert.equal(text.slice(reference.start, reference.end), 'Harbour Watch, “Review”, 2022');
  });

  it('never throws on malformed references', () => {
    for (const text of ['', ',,,', '“', '”', '“unbalanced, 2022', 'p.', 'pp. ; ; ;', '“a” “b” “c', '; ; ;', 'undated undated', '"'.repeat(500), '“'.repeat(5000)]) {
      assert.doesNotThrow(() => parseReferences(text, 0), text.slice(0, 30));
    }
  });

  it('writes a source as a COI reference', () => {
    assert.equal(
      formatCoiReference({ publisher: 'Harbour Watch', title: 'Annual Review', date: '2023-06-15' }, 'p. 45'),
      'Harbour Watch, “Annual Review”, 15 June 2023, p. 45',
    );
    assert.equal(formatCoiReference({ author: ['Ana Verda'], title: 'Notes', date: '2021-10' }), 'Ana Verda, “Notes”, October 2021');
    assert.equal(formatCoiReference({ title: 'Notes' }), '“Notes”, undated');
  });

  it('recognises a paragraph that is a reference and nothing else', () => {
    assert.equal(isBareReference('UK Home Office, “Report of a fact-finding mission”, December 2022, pp. 84, 85, 86'), true);
    assert.equal(isBareReference('The Home Office, in its “Report of a fact-finding mission”, said in December 2022 that shelters were full.'), false);
    assert.equal(isBareReference('UK Home Office, “Report of a fact-finding mission”'), false);
  });
});

function attributions(text: string) {
  const report = analyzeReport(text);
  return report.quotes.map((quote) => ({
    quote: quote.text.replace(/\s+/g, ' ').trim().slice(0, 30),
    keys: quote.attribution?.items.map((item) => item.key),
    reference: quote.reference?.entries.map((entry) => entry.title ?? entry.contributors),
    undefinedNote: quote.undefinedNote,
  }));
}

describe('references in a report', () => {
  it('attributes a quote to the Source: line after it, with the URLs below it', () => {
    const text = [
      'Harbour Watch commented that:',
      '',
      '“Young people are vulnerable to exploitation in the harbour towns.”',
      '',
      'Source: Harbour Watch, “Youth Exploitation on the Coast”, 2 December 2023',
      '',
      'https://example.org/youth',
      '',
      'Next paragraph.',
    ].join('\n');
    assert.deepEqual(attributions(text), [
      { quote: 'Young people are vulnerable to', keys: undefined, reference: ['Youth Exploitation on the Coast'], undefinedNote: undefined },
    ]);
  });

  it('attributes every quote of a run, across “The same interlocutor stated:”, to the one Source: line after it', () => {
    const text = [
      'The shelter stated:',
      '',
      '“First quoted paragraph about shelters in the region.”',
      '',
      '“Second quoted paragraph about the same shelters.”',
      '',
      'The same interlocutor stated:',
      '',
      '> A blockquote from the same interview about shelters.',
      '',
      'Source: Harbour Shelter, interview record, 5 June 2023',
    ].join('\n');
    const report = analyzeReport(text);
    assert.equal(report.quotes.length, 3);
    for (const quote of report.quotes) assert.equal(quote.reference?.entries[0].contributors, 'Harbour Shelter');
    // The two sentences that introduce quotes rest on the same reference.
    assert.equal(report.coveredBlocks.size, 5);
  });

  it('does not reach back past a heading, another Source: line, or an ordinary paragraph', () => {
    const text = [
      '“A quote with a source of its own in the text.”',
      '',
      'Source: First Publisher, “First”, 2022',
      '',
      'An ordinary paragraph that says nothing about quotes.',
      '',
      '“A quote after the ordinary paragraph.”',
      '',
      '## Heading',
      '',
      'Source: Second Publisher, “Second”, 2023',
    ].join('\n');
    assert.deepEqual(attributions(text).map((quote) => quote.reference), [['First'], undefined]);
  });

  it('reads a reference wrapped over two lines, and stops at the prose after it', () => {
    const text = [
      '“Men and boys are exploited for forced labour in the ports.”',
      '',
      'Source: Northern Network (Author), Harbour Watch (publisher), “World Day Against Exploitation:',
      'Men and Boys”, 31 July 2023',
      '',
      '“Children are exploited in the tourist season.”',
      '',
      'Source: Harbour Watch, “Coastal Report”, December 2022, p.65, 68',
      'In a 2022 guide for practitioners, Shelter B noted common issues that stall reintegration:',
    ].join('\n');
    const report = analyzeReport(text);
    const entries = report.references.flatMap((span) => span.entries);
    assert.deepEqual(
      entries.map((entry) => [entry.title, entry.date]),
      [
        ['World Day Against Exploitation: Men and Boys', '2023-07-31'],
        ['Coastal Report', '2022-12'],
      ],
    );
    // The prose line after the second reference is a sentence of its own, not part of the reference.
    assert.ok(report.sentences.some((sentence) => text.slice(sentence.start, sentence.end).startsWith('In a 2022 guide')));
  });

  it('keeps `Source: [@key]` a Pandoc citation', () => {
    assert.deepEqual(attributions('“Families play a crucial role in the decision.”\n\nSource: [@asylos2023, p. 35]\n')[0].keys, ['asylos2023']);
  });

  it('follows a footnote to its definition: Pandoc citations or a free-text reference', () => {
    const text = [
      'The report found “families decide on migration together”[^1] and “shelters were full”.[^ngo]',
      '',
      '[^1]: See [@asylos2023, p. 35] and [@ramaj2021].',
      '[^ngo]: Harbour Watch, “Shelter Survey”, 3 March 2022, p. 4.',
    ].join('\n');
    assert.deepEqual(attributions(text), [
      { quote: 'families decide on migration t', keys: ['asylos2023', 'ramaj2021'], reference: undefined, undefinedNote: undefined },
      { quote: 'shelters were full', keys: undefined, reference: ['Shelter Survey'], undefinedNote: undefined },
    ]);
  });

  it('leaves a quote uncited when its footnote has no definition, and says which note', () => {
    assert.deepEqual(attributions('She said “families decide on migration together”.[^9]\n'), [
      { quote: 'families decide on migration t', keys: undefined, reference: undefined, undefinedNote: '9' },
    ]);
  });

  it('reads plain-text footnotes as exported reports carry them: a number after the quote, a number and a tab below', () => {
    const text = [
      '“There are cases of citizens being trafficked from within the region.”2',
      '',
      '2\tHome Affairs Committee, “Illegal migration: the region”, 18 July 2023',
    ].join('\n');
    assert.deepEqual(attributions(text)[0].reference, ['Illegal migration: the region']);
  });

  it('reads citations and free-text references in inline notes', () => {
    const text = 'She said “families decide on migration”.^[See @asylos2023, p. 3, and @ramaj2021, p. 5.] He said “shelters are full”.^[Harbour Watch, “Survey”, 2022.]';
    assert.deepEqual(attributions(text), [
      { quote: 'families decide on migration', keys: ['asylos2023', 'ramaj2021'], reference: undefined, undefinedNote: undefined },
      { quote: 'shelters are full', keys: undefined, reference: ['Survey'], undefinedNote: undefined },
    ]);
  });

  it('treats a reference paragraph without a label under a quote as its Source: line', () => {
    const text = '“The meeting of the technical group provides services to the child.”\n\nUK Home Office, “Report of a fact-finding mission”, December 2022, pp. 84, 85, 86\n';
    assert.deepEqual(attributions(text)[0].reference, ['Report of a fact-finding mission']);
  });

  it('quotes every paragraph of a quote that runs over several, up to the paragraph that closes it', () => {
    const text = [
      '“Roma vulnerabilities',
      'Children are particularly vulnerable to exploitation.',
      '',
      'A middle paragraph with no quote marks at all.',
      '',
      'The last paragraph closes the quote.”',
      '',
      'Source: Global Initiative, “Exploited in Plain Sight”, May 2021, p.32',
    ].join('\n');
    const report = analyzeReport(text);
    assert.equal(report.quotes.length, 3);
    assert.ok(report.quotes.every((quote) => quote.reference?.entries[0].title === 'Exploited in Plain Sight'));
    assert.equal(report.quotes[2].text, 'The last paragraph closes the quote.');
  });

  it('pairs nested quotes as one outer quote', () => {
    const text = '“Law no. 121/2016 “On social care services” lists the principle of non-discrimination.” [@un2023]';
    assert.deepEqual(
      analyzeReport(text).quotes.map((quote) => quote.text),
      ['Law no. 121/2016 “On social care services” lists the principle of non-discrimination.'],
    );
  });

  it('never reads a reference or a footnote as a sentence, and never a reference title as a quote', () => {
    const text = [
      '“Families decide on migration in 45% of cases.”',
      '',
      'Source: Harbour Watch, “Survey of 2,000 families in 2022”, 15 June 2023, p. 45',
      '',
      '[^1]: Harbour Watch, “Shelter Survey”, 3 March 2022.',
    ].join('\n');
    const report = analyzeReport(text);
    assert.deepEqual(report.quotes.map((quote) => quote.text), ['Families decide on migration in 45% of cases.']);
    assert.deepEqual(
      report.sentences.map((sentence) => text.slice(sentence.start, sentence.end)),
      ['“Families decide on migration in 45% of cases.”'],
    );
  });

  it('never throws or hangs on malformed references', () => {
    const cases = [
      'Source:',
      'Source:\n\n“A quote that follows an empty source line.”',
      '“Quote.”\n\nSource: “unbalanced title, 2022\nmore “text\nand more',
      '[^1]: a footnote definition that never ends ' + 'and goes on '.repeat(2000),
      '[^1]:',
      'Text[^1] and [^] and [^ ] and ^[ and ^[[[',
      'Source: ' + '“'.repeat(3000),
      ('“Quote.”\n\nSource: A, “B”, 2022\n\n').repeat(500),
    ];
    for (const text of cases) assert.doesNotThrow(() => analyzeReport(text), text.slice(0, 40));
  });
});
