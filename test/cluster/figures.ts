/** The cluster run's figures as a table: one line per figure, grouped by scenario. */
import type { DrainFigures, KillFigures, RateLimitFigures, ReplayFigures } from './scenarios.js';

export interface Figures {
  rateLimit?: RateLimitFigures;
  replay?: ReplayFigures;
  kill?: KillFigures;
  drain?: DrainFigures;
  /** Wall time of the whole run, start to stop. */
  totalMs?: number;
}

const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${Math.round(v)} ms`);

export function figureRows(f: Figures): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const add = (group: string, figure: string, value: string | number) => rows.push([group, figure, String(value)]);
  if (f.rateLimit) {
    const r = f.rateLimit;
    add(
      'shared rate limit',
      `one client, ${r.sent} requests round the 3 instances (limit ${r.limit})`,
      `${r.allowed} allowed, ${r.limited} limited (429, ${r.withRetryAfter} with Retry-After)`,
    );
    add(
      'shared rate limit',
      'allowed / limited per instance',
      Object.entries(r.byInstance)
        .map(([n, x]) => `${n} ${x.allowed}/${x.limited}`)
        .join(', '),
    );
  }
  if (f.replay) {
    const { sequential: s, concurrent: c } = f.replay;
    add(
      'idempotent checkout',
      'bff1, then the same key on bff2',
      `${s.first.orderId} (replayed ${s.first.replayed}) → ${s.repeat.orderId} (replayed ${s.repeat.replayed})`,
    );
    add('idempotent checkout', 'orders / notifications in the mocks', `${s.orders} / ${s.notifications}`);
    add(
      'idempotent checkout',
      'the same key on bff2 and bff3 at once',
      c.answers.map((a) => `${a.servedBy ?? a.orderId}: ${a.orderId} (replayed ${a.replayed})`).join(', '),
    );
    add('idempotent checkout', 'orders / notifications in the mocks', `${c.orders} / ${c.notifications}`);
  }
  if (f.kill) {
    const k = f.kill;
    add(
      `SIGKILL ${k.victim} under load`,
      `listings sent in ${k.loadMs} ms`,
      `${k.listings.sent} (${list(k.listings.outcomes)}); ${k.listings.okAfterKill} ok after the kill`,
    );
    add(`SIGKILL ${k.victim} under load`, 'checkouts sent', `${k.checkouts.sent} (${list(k.checkouts.outcomes)})`);
    add(`SIGKILL ${k.victim} under load`, 'HAProxy: kill → DOWN', `${ms(k.lb.detectMs)} (checks allow ${ms(k.lb.checkBoundMs)})`);
    add(
      `SIGKILL ${k.victim} under load`,
      'HAProxy: sent to it after DOWN / retried / redispatched',
      `${k.lb.sentAfterDown} / ${k.lb.retried} / ${k.lb.redispatched}`,
    );
    add(
      `SIGKILL ${k.victim} under load`,
      'answered with an order: order once / notified once',
      `${k.answered.withOrder}: ${k.answered.orderOnce} / ${k.answered.notifiedOnce}`,
    );
    add(
      `SIGKILL ${k.victim} under load`,
      'not answered with an order: with 0 / 1 / more orders',
      `${k.unanswered.count}: ${k.unanswered.withNoOrder} / ${k.unanswered.withOneOrder} / ${k.unanswered.withMore}`,
    );
    add(`SIGKILL ${k.victim} under load`, "deliveries in progress at the kill / the victim's", `${k.takeover.heldAtKill} / ${k.takeover.heldByVictim}`);
    add(
      `SIGKILL ${k.victim} under load`,
      "victim's taken over / completed / notifications once",
      `${k.takeover.takenOver} / ${k.takeover.completed} / ${k.takeover.notificationsOnce} of ${k.takeover.notifications}`,
    );
    const spanOf = (x: { first: number; last: number } | undefined) => (x ? `${ms(x.first)}–${ms(x.last)}` : 'n/a');
    add(
      `SIGKILL ${k.victim} under load`,
      'taken over after: back in the queue / started / delivered',
      `${spanOf(k.takeover.releasedMs)} / ${spanOf(k.takeover.startedAgainMs)} / ${spanOf(k.takeover.finishedMs)} (lock ${k.lockMs} ms)`,
    );
    add(`SIGKILL ${k.victim} under load`, 'stalled on live instances', k.takeover.stalledElsewhere);
  }
  if (f.drain) {
    const d = f.drain;
    add(`SIGTERM ${d.victim} under load`, 'listings sent', `${d.sent} (${list(d.outcomes)})`);
    add(
      `SIGTERM ${d.victim} under load`,
      'in flight at SIGTERM / answered by it after SIGTERM (ok)',
      `${d.inFlightAtTerm} / ${d.answeredAfterTerm} (${d.answeredAfterTermOk})`,
    );
    add(`SIGTERM ${d.victim} under load`, 'out of rotation after / exited after', `${ms(d.outMs)} / ${ms(d.exitMs)} (${d.exit})`);
  }
  if (f.totalMs !== undefined) add('run', 'wall time', ms(f.totalMs));
  return rows;
}

export function formatFigures(f: Figures): string {
  const rows = figureRows(f);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`).join('\n');
}
