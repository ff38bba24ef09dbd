import { mulberry32 } from "./embeddings";
import type { KeywordInput } from "./types";

/** A small hand-made keyword set: two AI-tool pages, two running-shoe pages, an outlier, noise. */
export const handMade = {
  marketing: [
    "ai marketing tools",
    "ai tools for marketing",
    "best ai marketing tools",
    "marketing ai tools",
  ],
  writing: [
    "ai writing tools",
    "ai tools for writing",
    "best ai writing tools",
    "writing ai tools",
  ],
  shoes: ["running shoes", "best running shoes", "running shoe", "shoes for running"],
  trail: ["trail running shoes", "best trail running shoes", "trail running shoe"],
  outlier: "chocolate cake recipe",
  empty: "???",
};

export function handMadeKeywords(): KeywordInput[] {
  const texts = [
    ...handMade.marketing,
    ...handMade.writing,
    ...handMade.shoes,
    ...handMade.trail,
    handMade.outlier,
    handMade.empty,
  ];
  return texts.map((keyword, i) => ({
    id: `kw_${String(i).padStart(2, "0")}`,
    keyword,
    volume: 100 - i,
  }));
}

/** Deterministic shuffle (seeded) for order-independence checks. */
export function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Combinatorial keywords like a keyword tool's export: head terms x modifiers x places. */
export function combinatorialKeywords(count: number): KeywordInput[] {
  const heads = [
    "plumber",
    "roof repair",
    "dentist",
    "car insurance",
    "running shoes",
    "wedding dress",
    "laptop",
    "coffee maker",
    "divorce lawyer",
    "yoga classes",
    "dog grooming",
    "solar panels",
    "locksmith",
    "moving company",
    "pest control",
    "tree removal",
    "hair salon",
    "auto repair",
    "web design",
    "tutoring",
  ];
  const prefixes = [
    "",
    "best",
    "cheap",
    "affordable",
    "top rated",
    "local",
    "emergency",
    "professional",
    "24 hour",
    "licensed",
  ];
  const suffixes = [
    "",
    "near me",
    "cost",
    "prices",
    "reviews",
    "services",
    "company",
    "open now",
    "deals",
    "quotes",
  ];
  const places = [
    "",
    "chicago",
    "houston",
    "phoenix",
    "dallas",
    "austin",
    "denver",
    "boston",
    "seattle",
    "miami",
    "atlanta",
    "portland",
    "detroit",
    "tampa",
    "orlando",
    "omaha",
    "tulsa",
    "reno",
    "boise",
    "fresno",
  ];
  const random = mulberry32(12345);
  const next = (n: number) => Math.floor(random() * n);
  const seen = new Set<string>();
  const out: KeywordInput[] = [];
  while (out.length < count) {
    const text = [
      prefixes[next(prefixes.length)],
      heads[next(heads.length)],
      suffixes[next(suffixes.length)],
      places[next(places.length)],
    ]
      .filter(Boolean)
      .join(" ");
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({
      id: `syn_${out.length}`,
      keyword: text,
      volume: 10 + next(1000),
      difficulty: next(100),
    });
  }
  return out;
}
