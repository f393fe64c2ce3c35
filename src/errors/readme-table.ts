import { PUBLIC_CODES, type PublicCodeInfo } from './public-errors.js';

/**
 * The README's "Error codes" table, printed from the catalog so the two cannot disagree. Not
 * used at run time: `scripts/readme-error-codes.ts --write` puts it in README.md, and
 * test/unit/public-errors.test.ts fails when README.md holds anything else.
 */
export const SECTION = '## Error codes';

const RAISED_BY: Record<PublicCodeInfo['raisedBy'], string> = { bff: 'BFF', yoga: 'yoga', 'bff, yoga': 'BFF, yoga' };

/** One row per code, in the catalog's order (the order a request meets them). */
export function errorCodesTable(): string {
  const rows = PUBLIC_CODES.map(([code, { status, retryable, raisedBy, meaning }]) => {
    const http = status === undefined ? '200, beside `data`' : `\`${status}\``;
    return `| \`${code}\` | ${http} | ${retryable ? 'yes' : 'no'} | ${RAISED_BY[raisedBy]} | ${meaning.replaceAll('|', '\\|')} |`;
  });
  return ['| code | HTTP status | retry as is | raised by | what it means |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Where the section's table is: the first run of lines starting with `|` after its heading. */
export function readmeTable(readme: string): { start: number; end: number; table: string } {
  const lines = readme.split('\n');
  const heading = lines.indexOf(SECTION);
  if (heading < 0) throw new Error(`README.md has no "${SECTION}" section`);
  let start = heading + 1;
  while (start < lines.length && !lines[start]!.startsWith('|') && !lines[start]!.startsWith('## ')) start++;
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  if (end === start) throw new Error(`README.md's "${SECTION}" section has no table`);
  return { start, end, table: lines.slice(start, end).join('\n') };
}
