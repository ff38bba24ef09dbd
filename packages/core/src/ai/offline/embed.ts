/**
 * Offline embeddings: hashed character trigrams and words, signed, L2-normalised. Texts that share
 * words and spellings land near each other, which is what clustering tests need; deterministic.
 */
export const offlineEmbeddingDims = 256;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function ngramVector(text: string, dims = offlineEmbeddingDims): number[] {
  const vector = new Float64Array(dims);
  const normalised = text.toLowerCase().normalize("NFKC").replace(/\s+/g, " ").trim();
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    // One bit of a second hash picks the sign, so collisions tend to cancel instead of pile up.
    const sign = fnv1a(`~${feature}`) & 1 ? 1 : -1;
    vector[hash % dims]! += sign * weight;
  };
  const padded = ` ${normalised} `;
  for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 1);
  for (const word of normalised.split(/[^\p{L}\p{N}]+/u)) if (word) add(`w:${word}`, 2);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return Array.from(vector, (value) => (norm > 0 ? value / norm : 0));
}
