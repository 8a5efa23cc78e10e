import { Readability } from '@mozilla/readability';
import { DOMParser } from 'linkedom';
import { htmlToText } from './html';
import { languageCode } from './language';
import { cueName, findDatesInText, formatIsoDate, inferPublicationDate, parseLooseDate, publicationCueDate, type Confidence, type DateMatch, type DateScanOptions, type PartialDate } from './dates';

/**
 * What a web page says about itself: title, author, publisher, publication date and language, each with
 * the cue it was read from, and the page's main content (the article without menus, cookie banners,
 * sidebars and related-article lists) for inference. The page is parsed with a real HTML parser
 * (linkedom, over htmlparser2) and the main content found with Mozilla's Readability. The text that
 * quotes are checked against is still the whole visible text (`htmlToText`): a quote may come from a
 * caption or a box that Readability leaves out.
 */

interface HtmlField {
  value: string;
  /** 1-based line of the cue in the HTML file, where it can be found there. */
  line?: number;
  cue: string;
  confidence: Confidence;
}

export interface HtmlMetadata {
  title?: HtmlField;
  author?: HtmlField;
  publisher?: HtmlField;
  date?: HtmlField;
  /** ISO 639-1 primary subtag of the declared language. */
  language?: string;
  /** The main content's text, where Readability found one. */
  mainText?: string;
}

/**
 * Pages past this size are parsed only this far for metadata: the head and the article's start, where
 * the cues are, come first, and a DOM of a huge page would cost memory and time out of all proportion.
 */
const MAX_PARSED_LENGTH = 2_000_000;
/** Past this many tags the rest of a page is not parsed: real pages have a few thousand, and linkedom takes seconds per 100,000. */
const MAX_PARSED_TAGS = 50_000;
/**
 * Readability is not run on a page with more tags than this. Its own `maxElemsToParse` cannot enforce it:
 * it counts `getElementsByTagName('*')`, which linkedom answers with an empty list.
 */
const MAX_READABILITY_ELEMENTS = 30_000;
/** A page title longer than this is a heading full of markup or a hostile page, not a title. */
const MAX_TITLE_LENGTH = 500;
/** Deeper than any real page's markup (a few dozen levels, a few hundred where tags are left unclosed). */
const MAX_NESTING = 2_000;
/** Real pages nest a few dozen elements deep; far deeper is hostile or broken markup, not worth Readability's time. */
const MAX_READABILITY_DEPTH = 400;
/** How many elements the byline and date-alone searches look at, and how far up they look for a container. */
const MAX_SCANNED_ELEMENTS = 5_000;
const MAX_ANCESTORS = 40;

/** Meta names and properties that carry the original publication date, most specific first; never a modification date. */
const publishedMetaNames = [
  'citation_publication_date',
  'citation_date',
  'citation_online_date',
  'article:published_time',
  'og:article:published_time',
  'article.published',
  'published_time',
  'published-date',
  'publish-date',
  'publish_date',
  'publishdate',
  'publication_date',
  'pubdate',
  'datepublished',
  'date.published',
  'originalpublicationdate',
  'original-publish-date',
  'article_date_original',
  'parsely-pub-date',
  'sailthru.date',
  'dc.date.issued',
  'dcterms.issued',
  'dc.date.created',
  'dcterms.created',
  'dc.date',
  'dcterms.date',
];
/**
 * Generic meta names: some content systems fill them with the day the page was rendered or last changed,
 * so a <time> element or the URL, which are the article's own, comes first.
 */
const genericMetaNames = ['date', 'created', 'dateline'];

/** JSON-LD types whose dates are the page's own; a Comment's or a Review's dates are not. */
const pageEntityType = /^(?:\w*Article|BlogPosting|SocialMediaPosting|Report|WebPage|ItemPage|CreativeWork|Blog|LiveBlogPosting|Thesis|Book|Legislation|Dataset|PodcastEpisode|VideoObject|Movie|Recipe)$/;

/** Containers whose dates belong to something else than the page: comments, archives, footers, teasers. */
const foreignContainer = /(?:^|[\s_-])(?:comments?|reply|replies|respond|archives?|related|recommended|popular|trending|more-?stories|teasers?|copyright|nav|navigation|menu|breadcrumbs?|calendar|ads?|advert\w*|promo\w*|newsletter|cookies?|banner)(?:$|[\s_-])/i;
/** Sidebars: their dates are other posts' unless a label says they are the page's ('Mise en ligne' in a podcast's side column). */
const sideContainer = /(?:^|[\s_-])(?:sidebar|widget|aside)(?:$|[\s_-])/i;

/** Class or id words of elements that print the page's byline or date. */
const bylineContainer = /(?:^|[\s_-])(?:byline|dateline|date|datum|fecha|data|time|timestamp|posted|posted-?on|published|publish|pubdate|entry-?date|post-?date|article-?date|meta|info|author)(?:$|[\s_-])/i;

/** Open tags that are not void elements, and end tags: enough to follow how deep the markup nests. */
const nestingTag = /<(\/?)(?!(?:br|img|meta|link|input|hr|wbr|source|area|base|col|embed|param|track|p|li|option|td|tr|th)[\s/>])[a-zA-Z]/g;

/**
 * The part of a page the DOM is built from, with the number of tags in it: at most MAX_PARSED_LENGTH
 * characters and MAX_PARSED_TAGS tags, and only as far as the markup nests less than MAX_NESTING deep,
 * since building a very deep tree costs the square of its depth. The cues are in the head and at the
 * start of the article, so a hostile or broken tail costs nothing.
 */
function parsedPart(html: string): { part: string; tags: number } {
  let part = html.length > MAX_PARSED_LENGTH ? html.slice(0, MAX_PARSED_LENGTH) : html;
  let depth = 0;
  nestingTag.lastIndex = 0;
  for (let tag = nestingTag.exec(part); tag; tag = nestingTag.exec(part)) {
    depth = tag[1] ? Math.max(0, depth - 1) : depth + 1;
    if (depth > MAX_NESTING) {
      part = part.slice(0, tag.index);
      break;
    }
  }
  let tags = 0;
  for (let open = part.indexOf('<'); open !== -1; open = part.indexOf('<', open + 1)) {
    if (!/[a-zA-Z]/.test(part[open + 1] ?? '')) continue;
    if (++tags > MAX_PARSED_TAGS) return { part: part.slice(0, open), tags: tags - 1 };
  }
  return { part, tags };
}

type Document = ReturnType<typeof parseHtml>;
type Element = NonNullable<ReturnType<Document['querySelector']>>;

/**
 * Parses a page as browsers do in the two ways linkedom does not: a fragment without <html> gets the
 * document around it, and attribute names are matched in any case (old pages write NAME= and CONTENT=).
 */
function parseHtml(html: string) {
  const document = new DOMParser().parseFromString(/<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`, 'text/html');
  for (const element of document.querySelectorAll('*')) {
    for (const name of element.getAttributeNames()) {
      const lower = name.toLowerCase();
      if (lower === name) continue;
      if (!element.hasAttribute(lower)) element.setAttribute(lower, element.getAttribute(name) ?? '');
      element.removeAttribute(name);
    }
  }
  return document;
}

export function readHtmlMetadata(html: string): HtmlMetadata {
  const { part: source, tags } = parsedPart(html);
  const document = parseHtml(source);
  if (!document.documentElement) return {};
  const lineOf = lineFinder(source);
  const metas = readMetas(document);
  const entities = readJsonLd(document);
  const metadata: HtmlMetadata = {};

  const siteName = metas.get('og:site_name')?.[0] ?? entities.map((entity) => nameOf(entity.publisher)).find(Boolean);
  const title = pageTitle(document, metas, entities, siteName, lineOf);
  if (title) metadata.title = title;
  const author = pageAuthor(metas, entities, lineOf);
  if (author) metadata.author = author;
  if (siteName) metadata.publisher = { value: clean(siteName), cue: metas.has('og:site_name') ? 'og:site_name' : 'JSON-LD publisher', confidence: 'high', line: lineOf(siteName) };
  const language = languageCode(document.documentElement?.getAttribute('lang') ?? document.documentElement?.getAttribute('xml:lang') ?? undefined)
    ?? languageCode(metas.get('content-language')?.[0]) ?? languageCode(metas.get('dc.language')?.[0]);
  if (language) metadata.language = language;

  // A page saved from the Wayback Machine carries its toolbar, whose dates are the capture's, not the page's.
  for (const toolbar of document.querySelectorAll('#wm-ipp-base, #wm-ipp, #donato')) toolbar.remove();
  // Readability moves the document's nodes around, so every cue that reads the markup is taken first.
  const structural = structuralDate(document, metas, entities, lineOf);
  const labelled = structural ? undefined : labelledDate(document, lineOf);
  const titleText = pageTitleElement(document)?.textContent ?? '';
  const nearHeading = structural || labelled ? undefined : dateNearHeading(document, [metadata.title?.value, titleText], lineOf);
  const aloneInElement = structural || labelled || nearHeading ? undefined : dateAloneInElement(document, lineOf);
  const main = tags > MAX_READABILITY_ELEMENTS ? undefined : mainContent(document);
  if (main?.text) metadata.mainText = main.text;
  const date = structural ?? labelled ?? bylineDate(main?.byline, lineOf) ?? nearHeading ?? textDate(main?.text) ?? aloneInElement ?? titleDate(titleText, lineOf);
  if (date) metadata.date = date;
  return metadata;
}

function structuralDate(document: Document, metas: Map<string, string[]>, entities: JsonObject[], lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const declared: (HtmlField & { raw: string })[] = [];
  for (const entity of entities) {
    for (const key of ['datePublished', 'dateCreated']) {
      const value = entity[key];
      const date = typeof value === 'string' ? dayOrLess(value) : undefined;
      if (date) declared.push({ value: date, cue: `JSON-LD ${key}`, confidence: 'high', line: lineOf(`"${key}"`), raw: value as string });
    }
  }
  for (const name of publishedMetaNames) {
    for (const value of metas.get(name) ?? []) {
      const date = dayOrLess(value);
      if (date) declared.push({ value: date, cue: `<meta> ${name}`, confidence: 'high', line: lineOf(value), raw: value });
    }
  }
  // The page's address, as Open Graph and the canonical link give it (a syndicated copy's canonical link is the original's).
  const urls = [metas.get('og:url')?.[0], document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? undefined];
  const fromUrl = urls.map((url) => url && { url, date: dateInUrl(url) }).find((found) => found && found.date);
  const urlField: HtmlField | undefined = fromUrl ? { value: fromUrl.date!, cue: 'date in the page URL', confidence: 'high', line: lineOf(fromUrl.url) } : undefined;
  if (declared.length > 0) {
    // The first declared date wins; a later one only makes it more precise ('2017/01' and '2017/01/30').
    const { raw, ...chosen } = declared.find((field) => field.value.startsWith(declared[0].value) && field.value.length > declared[0].value.length) ?? declared[0];
    // A timestamp written in UTC ('2020-02-18T02:18:11Z') may fall on the day after or before the one the
    // publisher printed, which its URL keeps ('/2020/02/17/').
    return urlField && utcDayMayDiffer(raw, urlField.value) ? urlField : chosen;
  }
  for (const element of firstElements(document, '[itemprop="datePublished"], time[pubdate], [class~="published"][datetime], [class~="entry-date"][datetime]')) {
    if (insideForeignContainer(element)) continue;
    const value = element.getAttribute('content') ?? element.getAttribute('datetime') ?? element.textContent ?? '';
    const date = dayOrLess(value);
    if (date) return { value: date, cue: element.hasAttribute('itemprop') ? 'itemprop datePublished' : `<${element.localName}> marked as published`, confidence: 'high', line: lineOf(value.trim()) };
  }
  if (urlField) return urlField;
  for (const element of firstElements(document, 'time[datetime]')) {
    if (insideForeignContainer(element) || /modif|updat/i.test(`${element.className} ${element.getAttribute('itemprop') ?? ''}`)) continue;
    const value = element.getAttribute('datetime') ?? '';
    const date = dayOrLess(value);
    if (date) return { value: date, cue: '<time> element', confidence: 'medium', line: lineOf(value) };
  }
  for (const name of genericMetaNames) {
    for (const value of metas.get(name) ?? []) {
      const date = dayOrLess(value);
      if (date) return { value: date, cue: `<meta> ${name}`, confidence: 'medium', line: lineOf(value) };
    }
  }
  for (const element of firstElements(document, '[class], [id]')) {
    const label = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
    if (!bylineContainer.test(label) || /modif|updat/i.test(label) || insideForeignContainer(element)) continue;
    const text = shortText(element, 120);
    if (!text || /modif|updat|aktualisiert|actualiz/i.test(text)) continue;
    const date = dayOrLess(text, true, DATE_LINE);
    if (date) return { value: date, cue: `byline (${label.trim().split(/\s+/)[0]})`, confidence: 'medium', line: lineOf(text.slice(0, 40)) };
  }
  return undefined;
}

/**
 * How a byline or the line beside the heading is read: as a date line, where '31.10.23' is a day (two-digit
 * years are read nowhere else, since in running text such a number may be a version or a score).
 */
const DATE_LINE: DateScanOptions = { shortYears: true };

/** How long an element's text may be for a publication label to open it, and how long a label alone is. */
const MAX_LABELLED_TEXT = 400;
const MAX_LABEL_LENGTH = 40;

/**
 * A day that a publication label names ('Veröffentlicht am 14. Dezember 2015', 'This entry was posted on
 * Monday, December 14th, 2015 …'), in one element or in a label and the value beside it ('<dt>Datum</dt>
 * <dd>12.01.2017</dd>', '<p>Mise en ligne</p><p>23 mai 2019</p>'). The label says whose date it is, so it
 * is read in a side column too, but not in comments, teaser lists, archives or the page's footer.
 */
function labelledDate(document: Document, lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  if (!document.body) return undefined;
  for (const element of firstElements(document.body, '*')) {
    const text = shortText(element, MAX_LABELLED_TEXT);
    if (!text) continue;
    let line = text;
    let cued = publicationCueDate(line, DATE_LINE);
    const next = element.nextElementSibling as Element | null;
    if (!cued && text.length <= MAX_LABEL_LENGTH && next) {
      line = `${text} ${shortText(next, MAX_DATE_ELEMENT_TEXT) ?? ''}`;
      cued = publicationCueDate(line, DATE_LINE);
    }
    if (!cued || cued.found.date.day === undefined || cued.found.date.year < 1990 || notPublicationDate.test(line.slice(0, cued.found.index))) continue;
    if (insideForeignContainer(element, false)) continue;
    const { found } = cued;
    return { value: formatIsoDate(found.date), cue: `"${cueName(cued.cue)}" label`, confidence: 'medium', line: lineOf(line.slice(found.index, found.index + found.length)) };
  }
  return undefined;
}

/** How far around the article's heading its date is looked for, in elements with text, and how long a date's element may be. */
const HEADING_REACH_AFTER = 20;
const HEADING_REACH_BEFORE = 6;
const MAX_DATE_ELEMENT_TEXT = 100;
/** An element with this much text of its own is the article's body: dates past it are the story's, not its publication's. */
const BODY_TEXT_LENGTH = 200;
/** Words that make an element's date the last modification's or an event's, not the publication's. */
const notPublicationDate = /modif|updat|aktualisiert|ge(?:ä|ae)ndert|actualiz|mis à jour|bijgewerkt|termin|veranstaltung|event|deadline|frist|bis zum|until/i;

/**
 * The date printed beside the article's heading: the short element after its <h1> ('Von Claudia Lindner
 * 27.1.2022', '1. Februar 2022, Daniel Dillenburg') or just before it (a kicker line). That is where
 * pages without metadata print their date, and it keeps the dates of teaser lists and headers, which come
 * first in many pages, out.
 */
function dateNearHeading(document: Document, titles: (string | undefined)[], lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const heading = articleHeading(document, titles);
  if (!heading) return undefined;
  const elements = firstElements(document.body ?? document, '*');
  const at = elements.indexOf(heading);
  if (at === -1) return undefined;
  const tryElement = (element: Element): HtmlField | undefined => {
    if (element.children.length > 3 || encloses(heading, element) || encloses(element, heading)) return undefined;
    const text = shortText(element, MAX_DATE_ELEMENT_TEXT);
    if (!text || notPublicationDate.test(text) || labelledNotPublication(element)) return undefined;
    const found = dayInText(text, DATE_LINE);
    if (!found || foreignBesideHeading(element, heading)) return undefined;
    // The date's own words are where the file has them; the element's text may join several tags.
    return { value: formatIsoDate(found.date), cue: `date beside the heading, in <${element.localName}>`, confidence: 'medium', line: lineOf(text.slice(found.index, found.index + found.length)) };
  };
  for (let i = at + 1, texts = 0; i < elements.length && texts < HEADING_REACH_AFTER; i++) {
    if (encloses(heading, elements[i])) continue;
    const found = tryElement(elements[i]);
    if (found) return found;
    const length = ownTextLength(elements[i]);
    if (length > BODY_TEXT_LENGTH) break;
    if (length > 0) texts++;
  }
  for (let i = at - 1, texts = 0; i >= 0 && texts < HEADING_REACH_BEFORE; i--) {
    const found = tryElement(elements[i]);
    if (found) return found;
    if (ownTextLength(elements[i]) > 0) texts++;
  }
  return undefined;
}

/**
 * The article's heading: the <h1> or <h2> whose text the page's title repeats (many sites put their name
 * in the <h1>), else the only <h1> outside menus and sidebars.
 */
function articleHeading(document: Document, titles: (string | undefined)[]): Element | undefined {
  const named = titles.map((title) => clean(title ?? '').toLowerCase()).filter((title) => title.length >= 8);
  const headings = firstElements(document, 'h1, h2').filter((heading) => !insideForeignContainer(heading));
  const titled = headings.find((heading) => {
    const text = clean(heading.textContent ?? '').toLowerCase();
    return text.length >= 8 && named.some((title) => title.includes(text) || text.includes(title));
  });
  const h1s = headings.filter((heading) => heading.localName === 'h1');
  return titled ?? (h1s.length === 1 ? h1s[0] : undefined);
}

/**
 * Whether a date's element beside the heading belongs to something else: a comment, a teaser list or a
 * sidebar between it and the container it shares with the heading. What shares the heading's own parent is
 * the article's header, whatever its class says ('teaser-meta' above a press release's title).
 */
function foreignBesideHeading(element: Element, heading: Element): boolean {
  if (element.parentElement === heading.parentElement) return false;
  for (let node: Element | null = element; node && !encloses(node, heading); node = node.parentElement) {
    if (node.localName === 'aside' || node.localName === 'nav') return true;
    const label = `${node.getAttribute('class') ?? ''} ${node.getAttribute('id') ?? ''}`;
    if (foreignContainer.test(label) || sideContainer.test(label)) return true;
  }
  return false;
}

/** Whether `inner` is `outer` or lies inside it (linkedom's typings give Node.contains no parameter). */
function encloses(outer: Element, inner: Element): boolean {
  for (let node: Element | null = inner; node; node = node.parentElement) if (node === outer) return true;
  return false;
}

/** The length of the text an element holds directly, not in its children. */
function ownTextLength(element: Element): number {
  let length = 0;
  for (const node of element.childNodes as unknown as { nodeType: number; nodeValue: string | null }[]) if (node.nodeType === 3) length += (node.nodeValue ?? '').trim().length;
  return length;
}

/**
 * The one day a short text gives ('Mise en ligne 23 mai 2019'); none where it gives two different days, or
 * where its day ends a range ('14.–20. Januar 2022' is a week, not the 20th).
 */
function dayInText(text: string, options: DateScanOptions = {}): DateMatch | undefined {
  const days = findDatesInText(text, options).filter((found) => found.date.day !== undefined && found.date.year >= 1990);
  if (days.length === 0 || days.some((found) => formatIsoDate(found.date) !== formatIsoDate(days[0].date))) return undefined;
  return rangeEnd.test(text.slice(0, days[0].index)) ? undefined : days[0];
}

/** What precedes the second date of a range: '14.–', '14 -', '14 bis ', '3 to '. */
const rangeEnd = /\d\.?\s*(?:[-\u2013\u2014]|bis|to|au|al)\s*$/i;

/** The date in the byline Readability found ('By Arta Hoxha, 3 May 2021'). */
function bylineDate(byline: string | undefined, lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const date = byline ? dayOrLess(byline, true, DATE_LINE) : undefined;
  return date ? { value: date, cue: 'byline', confidence: 'medium', line: lineOf(byline!.slice(0, 40)) } : undefined;
}

/**
 * The first element whose whole text is a day ('<span>14. Februar 2012</span>', '<dd>12.01.2017</dd>'),
 * a time of day aside, outside comments, sidebars and archives: how many pages print their date.
 */
function dateAloneInElement(document: Document, lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const body = document.body;
  if (!body) return undefined;
  for (const element of firstElements(body, '*')) {
    if (element.children.length > 2) continue;
    const text = shortText(element, 48);
    if (!text || text.length < 6 || notPublicationDate.test(text)) continue;
    const found = dayInText(text);
    if (!found) continue;
    const rest = (text.slice(0, found.index) + text.slice(found.index + found.length)).replace(/\d{1,2}:\d{2}(?::\d{2})?|[\s\p{P}\p{S}]/gu, '');
    if (rest.length > 12 || /\d/.test(rest) || insideForeignContainer(element) || labelledNotPublication(element)) continue;
    return { value: formatIsoDate(found.date), cue: `date alone in <${element.localName}>`, confidence: 'low', line: lineOf(text.slice(0, 40)) };
  }
  return undefined;
}

/** Whether the label just before an element's date makes it an update's or an event's ('<dt>Aktualisiert am</dt><dd>3. Mai 2021</dd>'). */
function labelledNotPublication(element: Element): boolean {
  const previous = element.previousElementSibling as Element | null;
  const label = previous ? shortText(previous, MAX_LABEL_LENGTH) : undefined;
  return label !== undefined && notPublicationDate.test(label);
}

/** A day in the page's <title> ('08.11.2021 | Fachtag …'): it may be an event's date rather than the page's, so it is weak. */
function titleDate(title: string, lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const found = dayInText(title);
  if (!found) return undefined;
  return { value: formatIsoDate(found.date), cue: 'date in the <title>', confidence: 'low', line: lineOf(title.trim().slice(0, 40)) };
}

/**
 * How many lines of the main content are read for a date, blank ones included: Readability may keep a
 * menu of a dozen links above the article's first paragraph.
 */
const MAIN_TEXT_DATE_LINES = 25;

/** A date from the first lines of the main content, as for a text file; weaker, since a page rarely prints its date that way. */
function textDate(mainText: string | undefined): HtmlField | undefined {
  if (!mainText) return undefined;
  const found = inferPublicationDate(mainText, MAIN_TEXT_DATE_LINES);
  return found && { value: found.date, cue: `${found.cue} in the main content`, confidence: found.confidence === 'high' ? 'medium' : 'low' };
}

function mainContent(document: Document): { text?: string; byline?: string } | undefined {
  // Readability measures each candidate's text, which costs the square of the nesting depth.
  if (document.body && nestingDepth(document.body, MAX_READABILITY_DEPTH) >= MAX_READABILITY_DEPTH) return undefined;
  try {
    const article = new Readability(document as never).parse();
    // The content's markup read as the page's text is, so that its blocks and <br> stay lines.
    const text = article?.content ? htmlToText(article.content) : undefined;
    return { text: text || undefined, byline: article?.byline?.trim() || undefined };
  } catch {
    // Markup Readability cannot score: inference goes on without the main content.
    return undefined;
  }
}

/** A timestamp in UTC: a date, a time of day, then Z or a zero offset. */
const utcTimestamp = /^(\d{4}-\d{2}-\d{2})T(\d{2}):\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]00:?00)$/i;
/**
 * The UTC hours at which the local day differs from the UTC day where most pages are written, from the
 * American west coast (UTC-8) to East Asia (UTC+9): before 08:00 it is still the day before there, from
 * 15:00 already the next day.
 */
const LOCAL_DAY_BEFORE_UNTIL = 8;
const LOCAL_DAY_AFTER_FROM = 15;

/** Whether a UTC timestamp may stand for `day`, the day before or after its own, in its publisher's time zone. */
function utcDayMayDiffer(timestamp: string, day: string): boolean {
  const match = utcTimestamp.exec(timestamp.trim());
  if (!match || day.length !== 10) return false;
  const shift = (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${match[1]}T00:00:00Z`)) / 86_400_000;
  const hour = Number(match[2]);
  return (shift === -1 && hour < LOCAL_DAY_BEFORE_UNTIL) || (shift === 1 && hour >= LOCAL_DAY_AFTER_FROM);
}

/** A date written in the URL path: /2020/02/18/, /2020-02-18-, /20200218/. A month alone is not enough here. */
function dateInUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url, 'https://page.invalid/').pathname;
  } catch {
    return undefined;
  }
  const match = /\/((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?!\d)/.exec(pathname) ?? /[/_-]((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)/.exec(pathname);
  if (!match) return undefined;
  return formatIsoDate({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
}

/** A date from a machine- or human-written value; in free text only one with a day, since a month alone is often an archive's. */
function dayOrLess(value: string, requireDay = false, options: DateScanOptions = {}): string | undefined {
  const date: PartialDate | undefined = parseLooseDate(value, options);
  if (!date || date.year < 1990 || (requireDay && date.day === undefined)) return undefined;
  return formatIsoDate(date);
}

/**
 * Whether an element lies in a part of the page whose dates are not the page's. `sidesToo`: side columns
 * count too, except for a labelled date, whose label already says whose date it is.
 */
function insideForeignContainer(element: Element, sidesToo = true): boolean {
  let footer = false;
  let depth = 0;
  for (let node: Element | null = element; node && depth < MAX_ANCESTORS; node = node.parentElement, depth++) {
    const name = node.localName;
    // An article's own <footer> often holds its date; the page's footer holds the copyright and archives.
    if (name === 'article') return false;
    // The body's classes describe the whole page ('has-halfpage-ad', 'sidebar-left'), not a part of it.
    if (name === 'body') break;
    const label = `${node.getAttribute('class') ?? ''} ${node.getAttribute('id') ?? ''}`;
    // An <aside> named for the article's date or byline ('<aside class="meta">') is its metadata box, not a sidebar.
    if (name === 'nav' || (sidesToo && name === 'aside' && !bylineContainer.test(label))) return true;
    if (name === 'footer') footer = true;
    if (foreignContainer.test(label) || (sidesToo && sideContainer.test(label))) return true;
  }
  return footer;
}

/** How deep elements nest under `root`, counted up to `limit`. */
function nestingDepth(root: Element, limit: number): number {
  let deepest = 0;
  const stack: [Element, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) return deepest;
    for (const child of element.children) stack.push([child as Element, depth + 1]);
  }
  return deepest;
}

/**
 * An element's text when it is short, else undefined; it stops reading early, so that asking every element
 * of a deeply nested page costs little.
 */
function shortText(element: Element, limit: number): string | undefined {
  let text = '';
  let visited = 0;
  const stack: unknown[] = [...(element.childNodes as unknown as unknown[])].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as { nodeType: number; nodeValue: string | null; childNodes: unknown };
    if (++visited > 64) return undefined;
    if (node.nodeType === 3) {
      text += node.nodeValue ?? '';
      if (text.length > limit * 2) return undefined;
    } else if (node.nodeType === 1) {
      const children = node.childNodes as ArrayLike<unknown>;
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]);
    }
  }
  const cleaned = clean(text);
  return cleaned.length > 0 && cleaned.length <= limit ? cleaned : undefined;
}

/** The first elements of a selection, in document order: cues sit near the top, and a hostile page may have millions. */
function firstElements(root: Pick<Document, 'querySelectorAll'>, selector: string): Element[] {
  return [...root.querySelectorAll(selector)].slice(0, MAX_SCANNED_ELEMENTS) as Element[];
}

function readMetas(document: Document): Map<string, string[]> {
  const metas = new Map<string, string[]>();
  for (const meta of document.querySelectorAll('meta[content]')) {
    const key = (meta.getAttribute('name') ?? meta.getAttribute('property') ?? meta.getAttribute('itemprop') ?? meta.getAttribute('http-equiv'))?.trim().toLowerCase();
    const content = meta.getAttribute('content')?.trim();
    if (!key || !content) continue;
    metas.set(key, [...(metas.get(key) ?? []), content]);
  }
  return metas;
}

type JsonObject = Record<string, unknown>;

/** The page's own JSON-LD entities (articles, pages), from every block and @graph; a block that is not valid JSON is skipped. */
function readJsonLd(document: Document): JsonObject[] {
  const entities: JsonObject[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const object = value as JsonObject;
    const types = ([] as unknown[]).concat(object['@type'] ?? []).map(String);
    if (types.some((type) => pageEntityType.test(type))) entities.push(object);
    if (object['@graph']) visit(object['@graph'], depth + 1);
    if (object.mainEntity) visit(object.mainEntity, depth + 1);
  };
  for (const script of document.querySelectorAll('script[type*="ld+json" i]')) {
    const text = script.textContent ?? '';
    try {
      visit(JSON.parse(text), 0);
    } catch {
      // Pages ship broken JSON-LD (trailing commas, unescaped quotes, two objects in one block); its first
      // publication date, the article's in such blocks, is still plainly written.
      const published = /"datePublished"\s*:\s*"([^"]{4,40})"/.exec(text);
      if (published) entities.push({ '@type': 'Article', datePublished: published[1] });
    }
  }
  // An article's date is more specific than its page's: a WebPage's datePublished may be the site's.
  return entities.sort((a, b) => Number(/WebPage|Blog$/.test(String(a['@type']))) - Number(/WebPage|Blog$/.test(String(b['@type']))));
}

function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) return value.map(nameOf).filter(Boolean).join('; ') || undefined;
  if (value && typeof value === 'object' && typeof (value as JsonObject).name === 'string') return ((value as JsonObject).name as string).trim() || undefined;
  return undefined;
}

function pageTitle(document: Document, metas: Map<string, string[]>, entities: JsonObject[], siteName: string | undefined, lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const h1s = document.querySelectorAll('h1');
  const candidates: [string | undefined, string, Confidence][] = [
    [metas.get('citation_title')?.[0], 'citation_title', 'high'],
    [metas.get('og:title')?.[0], 'og:title', 'high'],
    [entities.map((entity) => (typeof entity.headline === 'string' ? entity.headline : undefined)).find(Boolean), 'JSON-LD headline', 'high'],
    [metas.get('dc.title')?.[0], 'DC.title', 'high'],
    // Several <h1> are a site's logo and widgets as often as the article's title.
    [h1s.length === 1 ? h1s[0].textContent ?? undefined : undefined, '<h1>', 'medium'],
    [pageTitleElement(document)?.textContent ?? undefined, '<title>', 'medium'],
    [h1s.length > 1 ? h1s[0].textContent ?? undefined : undefined, 'first <h1>', 'low'],
  ];
  for (const [raw, cue, confidence] of candidates) {
    const value = raw && withoutSiteName(clean(raw), siteName);
    if (value && value.length <= MAX_TITLE_LENGTH) return { value, cue, confidence, line: lineOf(raw.trim().slice(0, 40)) };
  }
  return undefined;
}

/** The page's <title>, not an icon's <svg><title>. */
function pageTitleElement(document: Document): Element | undefined {
  return [...document.querySelectorAll('title')].find((element) => !element.closest('svg'));
}

/** 'Annual report – Ministry of Finance' without ' – Ministry of Finance' where that is the site's name. */
function withoutSiteName(title: string, siteName: string | undefined): string {
  const parts = title.split(/\s+[|\u2013\u2014·»:-]\s+/);
  if (parts.length < 2) return title;
  const site = siteName ? clean(siteName).toLowerCase() : undefined;
  const last = parts[parts.length - 1].toLowerCase();
  const first = parts[0].toLowerCase();
  if (site && (last === site || last.includes(site) || site.includes(last))) return title.slice(0, title.length - parts[parts.length - 1].length).replace(/\s+[|\u2013\u2014·»:-]\s+$/, '').trim();
  if (site && (first === site || site.includes(first))) return title.slice(parts[0].length).replace(/^\s+[|\u2013\u2014·»:-]\s+/, '').trim();
  // Without a declared site name, a short last part after a pipe is the usual 'Title | Site' suffix.
  if (!site && /\s\|\s/.test(title) && last.split(' ').length <= 4) return title.slice(0, title.lastIndexOf('|')).trim();
  return title;
}

function pageAuthor(metas: Map<string, string[]>, entities: JsonObject[], lineOf: (needle: string) => number | undefined): HtmlField | undefined {
  const candidates: [string | undefined, string][] = [
    [metas.get('citation_author')?.join('; '), 'citation_author'],
    [metas.get('author')?.[0], '<meta> author'],
    [metas.get('dc.creator')?.[0], 'DC.creator'],
    [entities.map((entity) => nameOf(entity.author)).find(Boolean), 'JSON-LD author'],
  ];
  for (const [raw, cue] of candidates) {
    const value = raw && clean(raw);
    // A URL or a handle is not a name.
    if (value && !/^(?:https?:|@|www\.)/i.test(value)) return { value, cue, confidence: 'high', line: lineOf(raw.split(';')[0].trim()) };
  }
  return undefined;
}

const clean = (value: string): string => value.replace(/\s+/g, ' ').trim();

/** The line of the first occurrence of a cue's text in the file, so that an author can look at it. */
function lineFinder(html: string): (needle: string) => number | undefined {
  return (needle) => {
    if (!needle) return undefined;
    const index = html.indexOf(needle);
    if (index === -1) return undefined;
    let line = 1;
    for (let i = html.indexOf('\n'); i !== -1 && i < index; i = html.indexOf('\n', i + 1)) line++;
    return line;
  };
}
