import { strict as assert } from 'node:assert';
import { readHtmlMetadata } from '../../src/core/metadata/html-metadata';
import { articlePage } from './html.test';

const date = (html: string): string | undefined => readHtmlMetadata(html).date?.value;
const page = (head: string, body = ''): string => `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;
const article = (text: string): string =>
  `<article><h2>Story</h2>${Array.from({ length: 6 }, (_, i) => `<p>${text} Paragraph ${i} goes on with enough words, commas, and sentences to read as content, as articles do.</p>`).join('')}</article>`;

describe('readHtmlMetadata', () => {
  it('reads a realistic article page: title, author, date and language, each with its cue', () => {
    const metadata = readHtmlMetadata(articlePage);
    assert.deepEqual(metadata.title, { value: 'Raporti vjetor', cue: '<h1>', confidence: 'medium', line: 17 });
    assert.deepEqual(metadata.author, { value: 'Arta Hoxha', cue: '<meta> author', confidence: 'high', line: 6 });
    assert.deepEqual(metadata.date, { value: '2022-09-21', cue: '<meta> citation_publication_date', confidence: 'high', line: 7 });
    assert.equal(metadata.language, 'sq');
  });

  it('takes the title from the page metadata, without the site name', () => {
    const head = '<title>Annual report | Ministry of Finance</title><meta property="og:site_name" content="Ministry of Finance">';
    assert.equal(readHtmlMetadata(page(`${head}<meta property="og:title" content="Annual report 2022 – Ministry of Finance">`)).title?.value, 'Annual report 2022');
    assert.equal(readHtmlMetadata(page(head)).title?.value, 'Annual report');
    assert.equal(readHtmlMetadata(page('<meta name="citation_title" content="Trafficking in Albania">', '<h1>Site</h1>')).title?.value, 'Trafficking in Albania');
    const jsonLd = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Parliament votes","publisher":{"name":"Daily"}}</script>';
    const metadata = readHtmlMetadata(page(jsonLd));
    assert.equal(metadata.title?.value, 'Parliament votes');
    assert.equal(metadata.publisher?.value, 'Daily');
    assert.equal(readHtmlMetadata(page('<title>  </title>', '<h1>Heading</h1>')).title?.value, 'Heading');
    assert.equal(readHtmlMetadata(page('', '<svg><title>icon</title></svg><p>no title</p>')).title, undefined);
  });

  it('reads citation_author values, joined when there are several', () => {
    const html = '<meta name="citation_author" content="Hoxha, Arta"><meta name="citation_author" content="Kola, Ilir">';
    assert.equal(readHtmlMetadata(html).author?.value, 'Hoxha, Arta; Kola, Ilir');
    assert.equal(readHtmlMetadata('<META NAME="Author" CONTENT="A &amp; B">').author?.value, 'A & B');
  });

  it('prefers the original publication date to a modification date, whatever the order', () => {
    const jsonLd = '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","dateModified":"2023-01-05","datePublished":"2022-11-30T09:00:00+01:00","comment":[{"@type":"Comment","datePublished":"2024-01-01"}]}]}</script>';
    assert.equal(date(page(jsonLd)), '2022-11-30');
    assert.equal(date(page('<meta property="article:modified_time" content="2023-01-05"><meta property="article:published_time" content="2022-11-30T23:30:00-05:00">')), '2022-11-30');
    assert.equal(date(page('<meta name="date" content="September 2022">')), '2022-09');
    assert.equal(date(page('<meta name="DC.date.issued" content="2019">')), '2019');
    assert.equal(date(page('<meta name="date" content="0000-00-00">')), undefined);
    assert.equal(date(page('<script type="application/ld+json">{"@type": "Article", "datePublished": </script>')), undefined);
  });

  it('reads <time> elements, the URL and bylines, but not dates in comments, sidebars or archives', () => {
    assert.equal(date(page('', `<aside><time datetime="2019-01-01">1 Jan</time></aside><div class="comments"><time datetime="2024-02-02">x</time></div>${article('Text.')}<p>Posted <time datetime="2021-03-04T05:00">4 March</time></p>`)), '2021-03-04');
    assert.equal(date(page('<link rel="canonical" href="https://example.org/news/2020/02/18/story-title/">')), '2020-02-18');
    assert.equal(date(page('', `<div class="sidebar"><span class="date">1 May 2018</span></div><div class="byline">By Arta Hoxha, 3 May 2021</div>${article('Text.')}`)), '2021-05-03');
    assert.equal(date(page('', `${article('Text.')}<footer><p>© 2022 Ministry</p><ul class="archive"><li>12.01.2017</li></ul></footer>`)), undefined);
  });

  it('reads the date printed beside the article\'s heading before dates of teaser lists that come first in the page', () => {
    const teasers = '<ul class="list"><li><a href="/a">Older story</a> <span>21. Januar 2022</span></li></ul>';
    const head = '<title>Nachruf: Aus dem Ghetto nach Augusta | Golf</title>';
    const body = `${teasers}<div><h1>Nachruf: Aus dem Ghetto nach Augusta</h1><div><span>1. Februar 2022</span>, <a>Daniel Dillenburg</a></div>${article('Der Text.')}</div>`;
    assert.deepEqual(readHtmlMetadata(page(head, body)).date, { value: '2022-02-01', cue: 'date beside the heading, in <div>', confidence: 'medium', line: 1 });
    // A kicker line just above the heading, in the heading's own container, whatever its class says.
    const kicker = `${teasers}<div class="columns"><h3 class="teaser-meta">02.01.2022</h3><h1>Land zahlte die Erlegungsprämie aus</h1>${article('Der Text.')}</div>`;
    assert.equal(date(page('<title>Land zahlte die Erlegungsprämie aus</title>', kicker)), '2022-01-02');
    // A site's name in the <h1> is not the heading: the <h2> the title repeats is.
    const sited = `<h1>L-Mag</h1><nav><span>01.01.2020</span></nav><h2>Gedenktag mit Stolpersteinverlegung</h2><p>Von Claudia Lindner, 27.1.2022</p>${article('Der Text.')}`;
    assert.equal(date(page('<title>Gedenktag mit Stolpersteinverlegung</title>', sited)), '2022-01-27');
    // An update or an event beside the heading is not the publication.
    const updated = `<h1>Budget approved by parliament</h1><p>Updated 5 March 2023</p>${article('Text.')}`;
    assert.equal(date(page('<title>Budget approved by parliament</title>', updated)), undefined);
  });

  it('reads a two-digit year on a date line, and only there', () => {
    const meta = `<h1>Frei erfunden: Bote fliegt nach Singapur</h1><div class="article-meta">Von: Björn Jahner | <span>31.10.23</span></div>${article('Der Text.')}`;
    assert.equal(date(page('<title>Frei erfunden: Bote fliegt nach Singapur</title>', meta)), '2023-10-31');
    assert.equal(date(page('', `<div class="date">Party, 30.10.23</div>${article('Der Text.')}`)), '2023-10-30');
    // Alone in an element far from the heading, or in prose, such a number may be a version.
    assert.equal(date(page('', `<p><span>Version 1.10.23</span></p>${article('Installiert wurde Version 30.10.23.')}`)), undefined);
  });

  it('does not take the body\'s classes for a sidebar or an advert around the whole page', () => {
    assert.equal(date(page('', `<div class="date">14. Dezember 2015</div>${article('Text.')}`).replace('<body>', '<body class="has-halfpage-ad sidebar-left">')), '2015-12-14');
    const advert = page('', `<div class="ad"><span class="date">14. Dezember 2015</span><a href="/shop">Buy now</a></div>${article('Text.')}`);
    assert.equal(date(advert.replace('<body>', '<body class="has-halfpage-ad">')), undefined);
  });

  it('reads a date its label names as the publication\'s, beside the label or in one element, even in a side column', () => {
    const definition = `<article><h2>Dateien mit Migrationshintergrund</h2><aside class="blogData"><dl><dt>Datum</dt><dd>12.01.2017</dd><dt>Kategorie</dt><dd>AutoCAD</dd></dl></aside>${article('Der Text.')}</article>`;
    assert.deepEqual(readHtmlMetadata(page('', definition)).date, { value: '2017-01-12', cue: '"Datum" label', confidence: 'medium', line: 1 });
    const credits = `${article('Le texte.')}<div class="podcast__sidebar"><ul><li><p class="title">Un documentaire</p><p class="content">de Kristen Falc'hon</p></li><li><p class="title">Mise en ligne</p><p class="content">23 mai 2019</p></li></ul></div>`;
    assert.equal(date(page('', credits)), '2019-05-23');
    const template = `${article('Text.')}<div class="post-footer">Dieser Artikel wurde am 14. Dezember 2015 um 14:48 von <a href="/author">Heiner</a> geschrieben und unter <a href="/tag">Arduino</a> abgelegt.</div>`;
    assert.equal(date(page('', template)), '2015-12-14');
  });

  it('does not take a labelled date from comments, teaser lists or the page\'s footer, nor an update\'s', () => {
    const comments = `${article('Text.')}<div class="comments"><p>Posted on 15 December 2015 by Ilir</p><a href="/reply">Reply</a></div>`;
    assert.equal(date(page('', comments)), undefined);
    const related = `${article('Text.')}<ul class="related-posts"><li><a href="/b">Older story</a><span>Published: 3 May 2021</span></li></ul>`;
    assert.equal(date(page('', related)), undefined);
    const footer = `${article('Text.')}<footer><p>Date: 1 January 2024</p><a href="/imprint">Imprint</a></footer>`;
    assert.equal(date(page('', footer)), undefined);
    assert.equal(date(page('', `<div><span>Aktualisiert am</span><span>3. Mai 2021</span><a href="/x">x</a></div>${article('Text.')}`)), undefined);
  });

  it('takes the URL\'s day over a UTC timestamp only where the publisher\'s time zone can put it on that day', () => {
    const at = (timestamp: string): string => page(`<meta property="og:url" content="https://news.example/2020/02/17/story/"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"${timestamp}"}</script>`);
    assert.deepEqual(readHtmlMetadata(at('2020-02-18T02:18:11Z')).date, { value: '2020-02-17', cue: 'date in the page URL', confidence: 'high', line: 1 });
    // At 10:04 UTC it is the 18th from California to Japan; an offset says the publisher's own day.
    assert.equal(date(at('2020-02-18T10:04:04Z')), '2020-02-18');
    assert.equal(date(at('2020-02-18T02:18:11+01:00')), '2020-02-18');
    assert.equal(date(at('2020-02-16T12:00:00Z')), '2020-02-16');
    assert.equal(date(at('2020-02-16T22:30:00.000Z')), '2020-02-17');
    assert.equal(date(at('2020-02-19T01:00:00Z')), '2020-02-19');
  });

  it('prefers the article\'s <time>, also in its metadata <aside>, to a generic <meta name="date">', () => {
    const box = `<article><h1>Der Schuh</h1><aside class="meta"><p><time datetime="2022-01-21">21.01.2022 - 13:30</time></p></aside>${article('Der Text.')}</article>`;
    assert.deepEqual(readHtmlMetadata(page('<meta name="Date" content="2022-1-26T14:32:06+02:00">', box)).date, { value: '2022-01-21', cue: '<time> element', confidence: 'medium', line: 1 });
    assert.equal(date(page('<meta name="Date" content="2022-1-26T14:32:06+02:00">', article('Der Text.'))), '2022-01-26');
    // A sidebar <aside> is still another column's, whatever <time> it holds.
    assert.equal(date(page('', `${article('Text.')}<aside class="widget"><time datetime="2022-01-21">21 January</time></aside>`)), undefined);
  });

  it('reads a day that opens the article\'s first paragraph, below a menu Readability keeps', () => {
    const menu = `<ul>${['Home', 'News', 'K-Word', 'Aus dem Heft', 'Termine', 'Dating', 'Shop', 'Abo', 'Kontakt', 'Datenschutz'].map((item) => `<li><a href="/${item}">${item}</a></li>`).join('')}</ul>`;
    const body = `<div>${menu}<div><p>Von Claudia Lindner</p><p>27.1.2022 - Bei der Erinnerung an die Verfolgten des NS-Regimes waren queere Opfer oft unsichtbar, was erst recht für lesbische Frauen gilt.</p>${article('Der Text.').replace(/<\/?article>|<h2>Story<\/h2>/g, '')}</div></div>`;
    assert.deepEqual(readHtmlMetadata(page('', body)).date, { value: '2022-01-27', cue: 'dateline without a place in the main content', confidence: 'low' });
  });

  it('gives no date for a day that ends a range, and reads a broken JSON-LD block\'s datePublished', () => {
    assert.equal(date(page('<title>Wochenbericht 14.–20. Januar 2022</title>')), undefined);
    assert.equal(date(page('<title>Lawinenbericht 20. Januar 2022</title>')), '2022-01-20');
    const broken = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-10-26T18:10:00+01:00"} }</script>';
    assert.equal(date(page(broken)), '2020-10-26');
  });

  it('reads the canonical link\'s URL date when og:url has none, and not the dates of a Wayback Machine toolbar', () => {
    const syndicated = '<meta property="og:url" content="https://copy.example/news/263700449/story"><link rel="canonical" href="https://origin.example/World/News/story-20200113">';
    assert.equal(date(page(syndicated)), '2020-01-13');
    const archived = `<div id="wm-ipp-base"><div id="wm-ipp"><span>16 Feb 2012</span></div></div>${article('Text.')}`;
    assert.equal(date(page('', archived)), undefined);
  });

  it('reads a date alone in an element, in the languages users save pages in', () => {
    assert.equal(date(page('', `<p><span>14. Februar 2012</span></p>${article('Der Text.')}`)), '2012-02-14');
    assert.equal(date(page('', `<p class="content">23 mai 2019</p>${article('Le texte.')}`)), '2019-05-23');
    const german = readHtmlMetadata(page('', article('Der Text.').replace('<h2>Story</h2>', '<h2>Story</h2><p>Veröffentlicht am 16.08.2019</p>')));
    assert.deepEqual(german.date, { value: '2019-08-16', cue: '"Veröffentlicht am" label', confidence: 'medium', line: 1 });
  });

  it('finds the main content and leaves menus and cookie banners out of it', () => {
    const html = page('', `<nav><ul><li>Home</li><li>News</li></ul></nav><div class="cookie-banner">We use cookies to improve your experience.</div>${article('The ministry published its report.')}`);
    const main = readHtmlMetadata(html).mainText ?? '';
    assert.match(main, /The ministry published its report/);
    assert.doesNotMatch(main, /cookies|Home/);
  });

  it('reads the language from <html lang>', () => {
    assert.equal(readHtmlMetadata('<html lang="sq-AL"><body>x</body></html>').language, 'sq');
    assert.equal(readHtmlMetadata("<html lang='EN'>").language, 'en');
    assert.equal(readHtmlMetadata('<html lang=fr_FR>').language, 'fr');
    assert.equal(readHtmlMetadata('<html>').language, undefined);
    assert.equal(readHtmlMetadata('<html lang="not a language">').language, undefined);
  });

  it('survives malformed and huge pages without throwing', function () {
    this.timeout(20_000);
    for (const html of ['', '<', '<html lang=>', '<meta name="date" content=>', '<time datetime>', '<a x="'.repeat(100_000), '<div>'.repeat(200_000)]) {
      assert.doesNotThrow(() => readHtmlMetadata(html), html.slice(0, 20));
    }
  });
});
