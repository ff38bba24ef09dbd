import { stemmer as porter } from "stemmer";

/** NFKC, lower case, apostrophes dropped, anything that is not a letter, digit, + or # becomes a space. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/['’`´]/g, "")
    .replace(/[^\p{L}\p{N}+#]+/gu, " ")
    .trim();
}

/** Words of a normalized keyword; "c++" and "c#" stay whole, a lone "+" does not count. */
export function tokenize(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+[+#]*/gu) ?? [];
}

/**
 * English function words. Question words are included: the intent they signal is carried by the
 * keyword's intent field, and "what are ai tools" should meet "ai tools".
 */
export const englishStopWords: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being " +
    "below between both but by can cant could couldnt did didnt do does doesnt doing dont down " +
    "during each few for from further had hadnt has hasnt have havent having he her here hers " +
    "herself him himself his how i if im in into is isnt it its itself ive just me more most my " +
    "myself no nor not now of off on once only or other our ours ourselves out over own same she " +
    "should shouldnt so some such than that thats the their theirs them themselves then there " +
    "these they this those through to too under until up very was wasnt we were werent what " +
    "whats when where which while who whom why will with wont would wouldnt you your yours " +
    "yourself yourselves youre ive id ill get got getting"
  ).split(" "),
);

export interface TextOptions {
  language: string;
  stem?: (token: string) => string;
}

/** The analysis chain of one language: stop words and a stemmer (identity when none is known). */
export interface Analyzer {
  stopWords: ReadonlySet<string>;
  stem: (token: string) => string;
}

const noStopWords: ReadonlySet<string> = new Set();

export function analyzerFor(options: TextOptions): Analyzer {
  const english = options.language.toLowerCase().split(/[-_]/)[0] === "en";
  const base = options.stem ?? (english ? porter : (token: string) => token);
  const cache = new Map<string, string>();
  // Porter is for ASCII words; digits and other scripts pass through untouched.
  const stem = (token: string) => {
    let stemmed = cache.get(token);
    if (stemmed === undefined) {
      stemmed = options.stem || /^[a-z]+$/.test(token) ? base(token) : token;
      cache.set(token, stemmed);
    }
    return stemmed;
  };
  return { stopWords: english ? englishStopWords : noStopWords, stem };
}

export interface AnalyzedKeyword {
  normalized: string;
  /** Stemmed content words in keyword order (stop words dropped unless nothing else is left). */
  stems: string[];
  /** The content words before stemming, space-joined: input of the character n-grams. */
  surface: string;
}

export function analyze(text: string, analyzer: Analyzer): AnalyzedKeyword {
  const normalized = normalizeKeyword(text);
  const words = tokenize(normalized);
  let content = words.filter((word) => !analyzer.stopWords.has(word));
  if (content.length === 0) content = words;
  return { normalized, stems: content.map(analyzer.stem), surface: content.join(" ") };
}

/** Character trigrams of each word padded with spaces: typos, compounds and morphology Porter misses. */
export function charGrams(surface: string, size = 3): string[] {
  const grams: string[] = [];
  for (const word of surface.split(" ")) {
    if (!word) continue;
    const padded = ` ${word} `;
    if (padded.length <= size) {
      grams.push(padded);
      continue;
    }
    for (let i = 0; i + size <= padded.length; i++) grams.push(padded.slice(i, i + size));
  }
  return grams;
}
