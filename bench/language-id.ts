import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { eld as eldLarge } from 'eld/large';
import { eld as eldSmall } from 'eld/small';
import { franc, francAll } from 'franc-min';
import { detectAll as tinyldAll } from 'tinyld';
import { detectAll as tinyldLightAll } from 'tinyld/light';

/**
 * `npx node bench/language-id.ts`: which language identifier tells short template texts apart.
 * The corpus is test/fixtures/language-id/messages.json (messaging-style texts in the languages of
 * the markets), variables stripped as the lint rule strips them. For each library: accuracy on the
 * whole texts and on their first N letters, and time per call.
 */
const corpus = JSON.parse(
  readFileSync(new URL('../test/fixtures/language-id/messages.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;

const LANGUAGES = Object.keys(corpus);
const ISO3: Record<string, string> = {
  rus: 'ru',
  pol: 'pl',
  tur: 'tr',
  eng: 'en',
  ita: 'it',
  spa: 'es',
  deu: 'de',
  fra: 'fr',
  ind: 'id',
};

const stripVariables = (text: string) => text.replace(/\{\{[^}]*\}\}/g, ' ');

type Detector = (text: string) => string;
const detectors: Record<string, Detector> = {
  'eld/small': (text) => eldSmall.detect(text).language,
  'eld/large': (text) => eldLarge.detect(text).language,
  'franc-min': (text) => ISO3[franc(text, { minLength: 1 })] ?? franc(text, { minLength: 1 }),
  'franc-min (all)': (text) => {
    const [top] = francAll(text, { minLength: 1 });
    return top ? (ISO3[top[0]] ?? top[0]) : 'und';
  },
  tinyld: (text) => tinyldAll(text)[0]?.lang ?? 'und',
  'tinyld/light': (text) => tinyldLightAll(text)[0]?.lang ?? 'und',
};

/** The first `letters` letters of a text, with what stands between them. */
function prefix(text: string, letters: number): string {
  let seen = 0;
  for (let index = 0; index < text.length; index++) {
    if (/\p{L}/u.test(text[index] ?? '') && ++seen === letters) return text.slice(0, index + 1);
  }
  return text;
}

const samples = LANGUAGES.flatMap((language) =>
  (corpus[language] ?? []).map((text) => ({ language, text: stripVariables(text) })),
);
const PREFIXES = [15, 20, 25, 30, 40, 60];

const rows = Object.entries(detectors).map(([name, detect]) => {
  const accuracy = (cut: (text: string) => string) => {
    const misses: string[] = [];
    for (const { language, text } of samples) {
      const found = detect(cut(text));
      if (found !== language) misses.push(`${language}→${found}`);
    }
    return { share: 1 - misses.length / samples.length, misses };
  };
  const whole = accuracy((text) => text);
  const byPrefix = Object.fromEntries(
    PREFIXES.map((letters) => [letters, accuracy((text) => prefix(text, letters)).share]),
  );
  for (const { text } of samples) detect(text);
  const rounds = 20;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) for (const { text } of samples) detect(text);
  const microseconds = ((performance.now() - started) * 1000) / (rounds * samples.length);
  return { name, whole, byPrefix, microseconds };
});

console.log(`${samples.length} texts in ${LANGUAGES.join(', ')}\n`);
console.log(['library', 'whole', ...PREFIXES.map((letters) => `${letters} letters`), 'µs/call'].join('\t'));
for (const row of rows) {
  console.log(
    [
      row.name,
      `${(row.whole.share * 100).toFixed(1)}%`,
      ...PREFIXES.map((letters) => `${((row.byPrefix[letters] ?? 0) * 100).toFixed(1)}%`),
      row.microseconds.toFixed(1),
    ].join('\t'),
  );
}
console.log('');
for (const row of rows)
  console.log(`${row.name} misses on whole texts: ${row.whole.misses.join(' ') || 'none'}`);

/*
 * The rule's decision with the chosen library: flag when the top language is not the declared one
 * and leads it by MARGIN. False alarms: own-language texts flagged; caught: texts declared as each
 * other language of the corpus. Per text length in letters, to choose the letters threshold.
 */
const MARGINS = [0.1, 0.2, 0.3];
console.log('\ntinyld decision: false alarms / caught, by margin and letters');
console.log(['letters', ...MARGINS.map((margin) => `margin ${margin}`)].join('\t'));
for (const letters of [...PREFIXES, 1000]) {
  const cells = MARGINS.map((margin) => {
    let falseAlarms = 0;
    let caught = 0;
    let pairs = 0;
    for (const { language, text } of samples) {
      const scores = new Map(tinyldAll(prefix(text, letters)).map((entry) => [entry.lang, entry.accuracy]));
      const [top, best = 0] = [...scores].sort((a, b) => b[1] - a[1])[0] ?? ['und', 0];
      const flags = (declared: string) => top !== declared && best - (scores.get(declared) ?? 0) >= margin;
      if (flags(language)) falseAlarms++;
      for (const declared of LANGUAGES.filter((other) => other !== language)) {
        pairs++;
        if (flags(declared)) caught++;
      }
    }
    return `${falseAlarms}/${samples.length} · ${((caught / pairs) * 100).toFixed(1)}%`;
  });
  console.log([letters === 1000 ? 'whole' : letters, ...cells].join('\t'));
}
