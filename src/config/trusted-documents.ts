import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Reads a trusted-documents manifest, `{ "<sha256 of the document>": "<document>" }` (what
 * GraphQL Code Generator's client preset writes with `persistedDocuments: true`), and checks it
 * completely: a wrong hash or a document that does not parse is a build mistake, and finding it
 * at start beats refusing a page's query in production. Throws with the first problem found.
 */
export function readTrustedDocuments(path: string): ReadonlyMap<string, string> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new Error(`${path} must hold a JSON object { "<sha256 hash>": "<document>" }`);
  }
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (!SHA256_HEX.test(hash)) throw new Error(`${path}: key ${JSON.stringify(hash)} is not a lower-case hex sha256 hash`);
    if (typeof document !== 'string') throw new Error(`${path}: the document of ${hash} is not a string`);
    const actual = createHash('sha256').update(document).digest('hex');
    if (actual !== hash) throw new Error(`${path}: the document under ${hash} hashes to ${actual}`);
    try {
      parse(document);
    } catch (error) {
      throw new Error(`${path}: the document of ${hash} does not parse: ${(error as Error).message}`);
    }
    documents.set(hash, document);
  }
  if (documents.size === 0) throw new Error(`${path} lists no documents: nothing could run`);
  return documents;
}
