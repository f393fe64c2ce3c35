/**
 * `npm run docs:config`: prints the README's settings tables from the configuration's schemas
 * (src/config/), so a default, a range or a description is stated once, in the code, and the
 * README cannot drift from it. `npm run docs:config:check` (CI) fails when the README differs.
 *
 * A table stands between two markers naming a section (`server`, `edge`, …, or `all` for every
 * section with its title):
 *
 *     <!-- config-docs:edge -->
 *     …generated…
 *     <!-- /config-docs:edge -->
 *
 * A default that depends on the mode is shown as the schemas give it for each mode
 * ("on; off in production"), computed by reading each section as development, test and
 * production would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateReadme } from './config-docs/render.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

function main(check: boolean): void {
  const readme = readFileSync(README, 'utf8');
  const updated = updateReadme(readme);
  if (updated === readme) return;
  if (!check) {
    writeFileSync(README, updated);
    console.log('README.md: settings tables rewritten from src/config/');
    return;
  }
  const old = readme.split('\n');
  const line = updated.split('\n').findIndex((text, i) => text !== old[i]);
  console.error(`README.md's settings tables differ from src/config/ (from line ${line + 1}): run \`npm run docs:config\` and commit the result`);
  process.exitCode = 1;
}

main(process.argv.includes('--check'));
