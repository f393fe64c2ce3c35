/**
 * Writes the README's "Error codes" table from src/errors/public-errors.ts (run it after
 * changing the catalog; test/unit/public-errors.test.ts fails until you do).
 *
 *   npx tsx scripts/readme-error-codes.ts           # print the table
 *   npx tsx scripts/readme-error-codes.ts --write   # replace the table in README.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { errorCodesTable, readmeTable, SECTION } from '../src/errors/readme-table.js';

const README = new URL('../README.md', import.meta.url);

if (process.argv.includes('--write')) {
  const readme = readFileSync(README, 'utf8');
  const { start, end } = readmeTable(readme);
  const lines = readme.split('\n');
  lines.splice(start, end - start, errorCodesTable());
  writeFileSync(README, lines.join('\n'));
  console.log(`README.md: the "${SECTION}" table is written`);
} else {
  console.log(errorCodesTable());
}
