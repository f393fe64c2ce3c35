/**
 * Preloaded with `NODE_OPTIONS=--import <this file>` (Node 20 refuses `--cpu-prof` there):
 * the first SIGUSR2 starts V8's CPU profiler in this process, the second stops it and writes
 * the profile to `$CPU_PROFILE_PATH`. So the profile covers exactly the load a harness sends
 * between the two signals, not the start-up. Used by scripts/profile-hot-path.ts.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const path = process.env.CPU_PROFILE_PATH;
if (!path) throw new Error('CPU_PROFILE_PATH is not set: where should the profile go?');
const session = new Session();
session.connect();
let running = false;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) console.error(`cpu profile not written: ${error.message}`);
    else {
      // Renamed into place: a harness waiting for the file never reads half of it.
      writeFileSync(`${path}.tmp`, JSON.stringify(result.profile));
      renameSync(`${path}.tmp`, path);
    }
  });
});
