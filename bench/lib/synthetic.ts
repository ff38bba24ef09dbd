import { type Intent, type KeywordInput } from "../../packages/core/src/cluster/engine/index";

/** mulberry32: a small seeded PRNG so every run generates the same keywords. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const heads = [
  "plumber",
  "emergency plumber",
  "roof repair",
  "roofing contractor",
  "dentist",
  "emergency dentist",
  "teeth whitening",
  "car insurance",
  "home insurance",
  "life insurance",
  "running shoes",
  "trail running shoes",
  "wedding dress",
  "laptop",
  "gaming laptop",
  "coffee maker",
  "espresso machine",
  "personal injury lawyer",
  "divorce lawyer",
  "accountant",
  "tax preparation",
  "yoga classes",
  "pilates studio",
  "gym membership",
  "dog grooming",
  "dog trainer",
  "vet clinic",
  "hvac repair",
  "air conditioning repair",
  "furnace installation",
  "solar panels",
  "solar panel installation",
  "electrician",
  "locksmith",
  "moving company",
  "storage units",
  "house cleaning",
  "carpet cleaning",
  "window cleaning",
  "pest control",
  "termite inspection",
  "landscaping",
  "tree removal",
  "lawn care",
  "pool cleaning",
  "kitchen remodel",
  "bathroom remodel",
  "hardwood flooring",
  "interior designer",
  "wedding photographer",
  "florist",
  "bakery",
  "pizza delivery",
  "sushi restaurant",
  "mortgage broker",
  "real estate agent",
  "apartment for rent",
  "used cars",
  "car rental",
  "auto repair",
  "oil change",
  "tire shop",
  "hair salon",
  "barber shop",
  "nail salon",
  "massage therapy",
  "chiropractor",
  "physical therapy",
  "urgent care",
  "pediatrician",
  "dermatologist",
  "optometrist",
  "hearing aids",
  "web design",
  "seo agency",
  "marketing agency",
  "it support",
  "computer repair",
  "phone repair",
  "printing services",
  "tutoring",
  "math tutor",
  "driving school",
  "daycare",
  "senior living",
  "home care",
  "funeral home",
  "hotel",
  "spa",
  "vacation rental",
  "bike shop",
  "electric bike",
  "mattress store",
  "furniture store",
  "appliance repair",
  "garage door repair",
  "fence installation",
  "concrete contractor",
  "asphalt paving",
  "painting contractor",
  "handyman",
];

const prefixes = [
  "best",
  "cheap",
  "affordable",
  "top rated",
  "local",
  "professional",
  "24 hour",
  "same day",
  "licensed",
  "reliable",
  "trusted",
  "certified",
  "mobile",
  "luxury",
  "discount",
  "family",
  "commercial",
  "residential",
  "eco friendly",
  "recommended",
];

const suffixes = [
  "near me",
  "cost",
  "prices",
  "price list",
  "reviews",
  "services",
  "company",
  "companies",
  "open now",
  "deals",
  "quotes",
  "free estimate",
  "for seniors",
  "for small business",
  "2025",
  "appointment",
  "hours",
  "jobs",
  "salary",
  "coupons",
  "comparison",
  "vs diy",
];

const questions = [
  "how much does a {h} cost",
  "how to find a good {h}",
  "what is a {h}",
  "how to choose a {h}",
  "do i need a {h}",
  "when to call a {h}",
  "is a {h} worth it",
  "how long does {h} take",
  "questions to ask a {h}",
  "{h} tips",
  "{h} checklist",
  "how to become a {h}",
];

const cities = [
  "new york",
  "los angeles",
  "chicago",
  "houston",
  "phoenix",
  "philadelphia",
  "san antonio",
  "san diego",
  "dallas",
  "san jose",
  "austin",
  "jacksonville",
  "fort worth",
  "columbus",
  "charlotte",
  "san francisco",
  "indianapolis",
  "seattle",
  "denver",
  "washington dc",
  "boston",
  "el paso",
  "nashville",
  "detroit",
  "oklahoma city",
  "portland",
  "las vegas",
  "memphis",
  "louisville",
  "baltimore",
  "milwaukee",
  "albuquerque",
  "tucson",
  "fresno",
  "sacramento",
  "kansas city",
  "mesa",
  "atlanta",
  "omaha",
  "colorado springs",
  "raleigh",
  "long beach",
  "virginia beach",
  "miami",
  "oakland",
  "minneapolis",
  "tulsa",
  "bakersfield",
  "wichita",
  "arlington",
  "aurora",
  "tampa",
  "new orleans",
  "cleveland",
  "honolulu",
  "anaheim",
  "lexington",
  "stockton",
  "corpus christi",
  "henderson",
  "riverside",
  "newark",
  "saint paul",
  "santa ana",
  "cincinnati",
  "irvine",
  "orlando",
  "pittsburgh",
  "st louis",
  "greensboro",
  "jersey city",
  "anchorage",
  "lincoln",
  "plano",
  "durham",
  "buffalo",
  "chandler",
  "chula vista",
  "toledo",
  "madison",
  "gilbert",
  "reno",
  "fort wayne",
  "north las vegas",
  "st petersburg",
  "lubbock",
  "irving",
  "laredo",
  "winston salem",
  "chesapeake",
  "glendale",
  "garland",
  "scottsdale",
  "norfolk",
  "boise",
  "fremont",
  "spokane",
  "santa clarita",
  "baton rouge",
  "richmond",
  "ann arbor",
  "grand rapids",
  "kalamazoo",
  "lansing",
  "flint",
];

const states = ["tx", "ca", "ny", "fl", "il", "pa", "oh", "mi", "ga", "nc", "wa", "az", "co"];

/** One letter doubled or two swapped, as people type. */
function typo(word: string, next: () => number): string {
  if (word.length < 5) return word;
  const at = 1 + Math.floor(next() * (word.length - 2));
  return next() < 0.5
    ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
    : word.slice(0, at) + word[at] + word.slice(at);
}

/**
 * Realistic keyword research output: head terms crossed with modifiers, questions and locations
 * (plurals, state codes and typos included), each with a Zipf-like volume, a difficulty and an
 * intent that follows its wording. Deterministic for a given seed.
 */
export function syntheticKeywords(count: number, seed = 42): KeywordInput[] {
  const next = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const seen = new Set<string>();
  const out: KeywordInput[] = [];
  let guard = 0;
  while (out.length < count && guard++ < count * 50) {
    let head = pick(heads);
    if (next() < 0.15 && !head.endsWith("s")) head = `${head}s`;
    const shape = next();
    let text: string;
    let intent: Intent;
    if (shape < 0.18) {
      text = pick(questions).replace("{h}", head);
      intent = "informational";
    } else {
      const parts: string[] = [];
      if (next() < 0.55) parts.push(pick(prefixes));
      parts.push(head);
      if (next() < 0.5) parts.push(pick(suffixes));
      if (next() < 0.75) {
        if (next() < 0.3) parts.push("in");
        parts.push(pick(cities));
        if (next() < 0.3) parts.push(pick(states));
      }
      text = parts.join(" ");
      intent = /cost|price|quote|deal|coupon|near me|open now|appointment/.test(text)
        ? "transactional"
        : /best|top|review|comparison|vs/.test(text)
          ? "commercial"
          : "navigational";
    }
    if (next() < 0.03) {
      const words = text.split(" ");
      const w = Math.floor(next() * words.length);
      words[w] = typo(words[w]!, next);
      text = words.join(" ");
    }
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({
      id: `kw${out.length}`,
      keyword: text,
      volume: Math.round(10 * (1 / (next() + 0.001)) ** 1.2),
      difficulty: Math.floor(next() * 100),
      intent,
    });
  }
  return out;
}
