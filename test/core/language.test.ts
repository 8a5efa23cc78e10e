import { strict as assert } from 'node:assert';
import { detectLanguage, stopWordHits } from '../../src/core/metadata/language';

const english = `The report was published by the ministry in September, and it is the first assessment of the
reform that has been carried out since the law was adopted. According to the authors, the new procedures for
public procurement have not reduced the number of complaints, which rose by a third in the period that followed.
The committee, which met on three occasions, noted that the data were incomplete and that they should be
treated with caution by those who rely on them.`;

const albanian = `Raporti i publikuar nga ministria në shtator është vlerësimi i parë i reformës që është kryer që
nga miratimi i ligjit. Sipas autorëve, procedurat e reja për prokurimin publik nuk kanë ulur numrin e ankesave,
të cilat u rritën me një të tretën në periudhën që pasoi. Komisioni, i cili u mblodh tri herë, vuri në dukje se
të dhënat ishin të paplota dhe se duhet të trajtohen me kujdes nga ata që mbështeten tek to. Kjo është arsyeja
pse ky dokument ka rëndësi për të gjithë.`;

const albanianNoDiacritics = albanian
  .normalize('NFD')
  .replace(/[\u0300-\u036f]/g, '');

const french = `Le rapport a été publié par le ministère en septembre et il est la première évaluation de la réforme
qui a été menée depuis l'adoption de la loi. Selon les auteurs, les nouvelles procédures pour les marchés publics
n'ont pas réduit le nombre des plaintes, qui ont augmenté d'un tiers dans la période qui a suivi. La commission,
qui s'est réunie trois fois, a noté que les données sont incomplètes et que nous devons les traiter avec prudence.`;

const german = `Der Bericht wurde im September vom Ministerium veröffentlicht und ist die erste Bewertung der Reform,
die seit der Verabschiedung des Gesetzes durchgeführt wurde. Nach Ansicht der Autoren haben die neuen Verfahren für
die öffentliche Beschaffung die Zahl der Beschwerden nicht verringert, die in dem folgenden Zeitraum um ein Drittel
gestiegen ist. Der Ausschuss, der sich dreimal traf, stellte fest, dass die Daten unvollständig sind und mit Vorsicht
zu behandeln sind, auch von denen, die sich auf sie stützen.`;

const spanish = `El informe fue publicado por el ministerio en septiembre y es la primera evaluación de la reforma que
se ha llevado a cabo desde la aprobación de la ley. Según los autores, los nuevos procedimientos para la contratación
pública no han reducido el número de las quejas, que aumentaron en un tercio en el periodo que siguió. La comisión,
que se reunió tres veces, señaló que los datos están incompletos y que deben tratarse con cautela por los que se
basan en ellos.`;

const italian = `Il rapporto è stato pubblicato dal ministero a settembre ed è la prima valutazione della riforma che
è stata realizzata dopo l'approvazione della legge. Secondo gli autori, le nuove procedure per gli appalti pubblici
non hanno ridotto il numero dei reclami, che sono aumentati di un terzo nel periodo successivo. La commissione, che si
è riunita tre volte, ha osservato che i dati sono incompleti e che devono essere trattati con cautela da chi si basa
su di essi, anche nella fase di controllo della spesa.`;

describe('language', () => {
  describe('detectLanguage', () => {
    const cases: Array<[string, string, string]> = [
      ['English', english, 'en'],
      ['Albanian', albanian, 'sq'],
      ['Albanian typed without diacritics', albanianNoDiacritics, 'sq'],
      ['French', french, 'fr'],
      ['German', german, 'de'],
      ['Spanish', spanish, 'es'],
      ['Italian', italian, 'it'],
    ];
    for (const [label, text, expected] of cases) {
      it(`recognises ${label}`, () => {
        assert.equal(detectLanguage(text), expected);
      });
    }

    it('is not fooled by upper case', () => {
      assert.equal(detectLanguage(english.toUpperCase()), 'en');
      assert.equal(detectLanguage(albanian.toUpperCase()), 'sq');
    });

    it('reads Albanian stored decomposed (e + combining diaeresis)', () => {
      assert.equal(detectLanguage(albanian.normalize('NFD')), 'sq');
    });

    it('returns undefined for a text too short to be sure of', () => {
      assert.equal(detectLanguage('The report of the ministry.'), undefined);
      assert.equal(detectLanguage('Raporti i ministrisë dhe të dhënat.'), undefined);
      assert.equal(detectLanguage(''), undefined);
    });

    it('returns undefined for text with no stop words', () => {
      assert.equal(detectLanguage('1234 5678 ... --- ### %%% '.repeat(100)), undefined);
      assert.equal(detectLanguage('Lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(20)), undefined);
    });

    it('returns undefined when two languages are evenly mixed', () => {
      assert.equal(detectLanguage(`${english}\n\n${albanian}`), undefined);
    });

    it('still decides when one language clearly dominates', () => {
      assert.equal(detectLanguage(`${albanian}\n${albanian}\n${albanian}\nThe report of the ministry.`), 'sq');
    });

    it('looks only at the first 20,000 characters', () => {
      const filler = 'x '.repeat(10_000);
      assert.equal(filler.length, 20_000);
      assert.equal(detectLanguage(filler + english), undefined);
      assert.equal(detectLanguage(english + filler), 'en');
    });
  });

  describe('stopWordHits', () => {
    it('counts each occurrence, for every language a word belongs to', () => {
      const hits = stopWordHits('The the THE dhe të la');
      assert.equal(hits.en, 3);
      assert.equal(hits.sq, 2);
      assert.equal(hits.fr, 1);
      assert.equal(hits.es, 1);
      assert.equal(hits.it, 1);
      assert.equal(hits.de, 0);
    });

    it('does not count stop words inside longer words', () => {
      assert.equal(stopWordHits('theory dhembje').en, 0);
      assert.equal(stopWordHits('theory dhembje').sq, 0);
    });
  });
});

describe('stop-word counting', () => {
  /** The counting as it was written first, with the regular expression: the reference for the fast one. */
  function referenceHits(text: string): Record<string, number> {
    const reference = stopWordHits('');
    const lists: Record<string, string[]> = {};
    for (const language of Object.keys(reference)) lists[language] = [];
    const sample = text.slice(0, 20_000).normalize('NFC').toLowerCase();
    const hits: Record<string, number> = { ...reference };
    const known = new Map<string, string[]>();
    // The stop words are the ones stopWordHits counts: found by asking it about each candidate word.
    for (const match of sample.matchAll(/[\p{L}\p{M}]+/gu)) {
      let languages = known.get(match[0]);
      if (!languages) {
        const single = stopWordHits(` ${match[0]} `);
        languages = Object.keys(single).filter((language) => single[language] > 0);
        known.set(match[0], languages);
      }
      for (const language of languages) hits[language]++;
    }
    return hits;
  }

  it('counts the same words as /[\\p{L}\\p{M}]+/u would find, on hostile text', () => {
    const pieces = ['the', ' of ', 'dhe', 'të', 'te\u0308', 'është', 'ËSHTË', ' la ', 'für', 'più', '\uD835\uDC00', '\uD800', '\uDC00', '日本', 'ǅ', '-', '’', '1', '\n', 'x', 'ß', 'Σ', 'est', ', ', 'más', 'é', '\u0301'];
    let seed = 5;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: Math.floor(next() * 60) }, () => pieces[Math.floor(next() * pieces.length)]).join(next() < 0.5 ? ' ' : '');
      assert.deepEqual(stopWordHits(text), referenceHits(text), JSON.stringify(text));
    }
  });
});
