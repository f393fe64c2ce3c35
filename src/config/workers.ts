/** How many BFF processes serve the one port (node:cluster, src/workers/). */
import { z } from 'zod';
import { envSection } from './section.js';

const MAX_WORKERS = 256;

/** A number of processes, or `auto`: the CPUs this process may use (affinity and cgroup quota, src/workers/cpus.ts). */
function workerCount() {
  return z
    .string()
    .transform((text, ctx): number | 'auto' => {
      if (text.toLowerCase() === 'auto') return 'auto';
      const n = Number(text);
      if (Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS) return n;
      ctx.issues.push({
        code: 'custom',
        message: `must be "auto" or a number of processes from 1 to ${MAX_WORKERS}, got ${JSON.stringify(text)}`,
        input: text,
      });
      return z.NEVER;
    })
    .meta({ accepts: `\`auto\` or 1 to ${MAX_WORKERS}` });
}

export const workersSchema = () =>
  z
    .object({
      // 1 runs no cluster at all: the process serves, as it always did.
      WORKERS: workerCount()
        .default(1)
        .describe('BFF processes behind the port: a number, or `auto` (the usable CPUs, cgroup quota included); the Docker image sets `auto`'),
    })
    .transform((v) => ({ workers: v.WORKERS }));

export type WorkersConfig = Readonly<z.infer<ReturnType<typeof workersSchema>>>;

export const workersSection = envSection({ id: 'workers', title: 'Workers', file: 'src/config/workers.ts' }, workersSchema);
