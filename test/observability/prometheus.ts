/**
 * A reader of the Prometheus text exposition format (version 0.0.4), enough to check the
 * BFF's /metrics: every sample line `name{label="value",…} number`, HELP and TYPE lines.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE name counter|gauge|histogram|…` */
  types: Map<string, string>;
  /** Sum of the samples named `name` whose labels include `match`. */
  sum(name: string, match?: Record<string, string>): number;
  /** The samples named `name` whose labels include `match`. */
  find(name: string, match?: Record<string, string>): Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      else if (!line.startsWith('# HELP ')) throw new Error(`not a HELP or TYPE line: ${line}`);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (match[2]) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let m = LABEL.exec(match[2]); m; m = LABEL.exec(match[2])) {
        labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        consumed = LABEL.lastIndex;
      }
      if (consumed !== match[2].length) throw new Error(`bad labels in: ${line}`);
    }
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`).
    const text = match[3].toLowerCase();
    const value = text === 'nan' ? NaN : text === '+inf' || text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(match[3]);
    if (Number.isNaN(value) && text !== 'nan') throw new Error(`bad value in: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  const find = (name: string, match: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
  return { samples, types, find, sum: (name, match) => find(name, match).reduce((n, s) => n + s.value, 0) };
}
