// A stand-in for an embedding model, served by the scripted OpenAI-compatible server's /embeddings route
// (a test double): each text becomes a hashed bag of its lower-cased words and of their character
// 3-grams (feature hashing into DIM dimensions), unit length. It knows no mathematics and no synonyms —
// it is not a neural model, and numbers measured with it are labelled as the stand-in's, never a model's.
import { createHash } from 'node:crypto';

export const STAND_IN_DIM = 512;
export const STAND_IN_NAME = 'stand-in: hashed word + character 3-gram vectors (no neural model)';

function bucket(feature: string): { index: number; sign: number } {
  const h = createHash('md5').update(feature).digest();
  return { index: h.readUInt32LE(0) % STAND_IN_DIM, sign: h[4]! & 1 ? 1 : -1 };
}

export function hashedEmbedding(text: string): number[] {
  const v = new Array<number>(STAND_IN_DIM).fill(0);
  const words = text.toLowerCase().match(/[a-z]{2,}/g) ?? [];
  for (const w of words) {
    const b = bucket(`w:${w}`);
    v[b.index]! += b.sign;
    const padded = `<${w}>`;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = bucket(`g:${padded.slice(i, i + 3)}`);
      v[g.index]! += 0.5 * g.sign;
    }
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return n > 0 ? v.map((x) => x / n) : v.map((_x, i) => (i === 0 ? 1 : 0));
}
