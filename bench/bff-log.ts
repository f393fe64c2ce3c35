/**
 * Reads the BFF's log (JSON lines at LOG_LEVEL=warn) while the benchmark runs: at that level
 * every line is a problem (a failed backend call, a field error, a crash), so counting them per
 * scenario shows what went wrong under load that a status code would hide.
 */
import type { Child } from './processes.js';

export interface LogSummary {
  /** Lines seen, keyed by `<level> <msg>` (numbers as N) plus the error code when there is one. */
  counts: Record<string, number>;
  /** The first lines of each key, cut to a readable length. */
  examples: Record<string, string[]>;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const EXAMPLES_PER_KEY = 2;
const EXAMPLE_CHARS = 600;

function keyOf(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; code?: string; err?: { code?: string; type?: string } };
    const level = LEVELS[entry.level ?? 0] ?? String(entry.level);
    const code = entry.code ?? entry.err?.code ?? entry.err?.type;
    // Numbers vary per line (ids, ms, a remaining budget): without this every line is its own kind.
    const msg = (entry.msg ?? '(no msg)').replace(/\d+(\.\d+)?/g, 'N');
    return `${level} ${msg}${code ? ` [${code}]` : ''}`;
  } catch {
    return 'non-JSON output'; // e.g. a stack trace on stderr
  }
}

interface Entry {
  /** When the BFF wrote it (pino's `time`), else when we read it. */
  time: number;
  key: string;
  line: string;
}

export class LogTap {
  private pending: Entry[] = [];
  private lastArrival = 0;

  constructor(child: Child) {
    child.onLine((line) => {
      this.lastArrival = performance.now();
      this.pending.push({ time: timeOf(line), key: keyOf(line), line });
    });
  }

  /**
   * Waits (at most `timeoutMs`) until no line has arrived for `quietMs`. The BFF's logger writes
   * asynchronously, so after a burst its lines keep coming for a while after they were written.
   */
  async waitQuiet(quietMs = 500, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() - this.lastArrival < quietMs && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Summarises and forgets the lines written before `before` (epoch ms; default: all). By the
   * BFF's own timestamps, not by arrival: lines written at the end of a run may be read later.
   */
  take(before = Infinity): LogSummary {
    const summary: LogSummary = { counts: {}, examples: {} };
    const kept: Entry[] = [];
    for (const entry of this.pending) {
      if (entry.time >= before) {
        kept.push(entry);
        continue;
      }
      summary.counts[entry.key] = (summary.counts[entry.key] ?? 0) + 1;
      const list = (summary.examples[entry.key] ??= []);
      if (list.length < EXAMPLES_PER_KEY) list.push(entry.line.length > EXAMPLE_CHARS ? `${entry.line.slice(0, EXAMPLE_CHARS)}…` : entry.line);
    }
    this.pending = kept;
    return summary;
  }
}

function timeOf(line: string): number {
  const match = /"time":(\d+)/.exec(line);
  return match ? Number(match[1]) : Date.now();
}
