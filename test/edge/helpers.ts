import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../../src/config.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The edge tests' client. Every response it sees is kept, and each test file ends with
 * `scanEveryResponse()`, a test that reads them all for what must never reach a client.
 */
export interface Recorded {
  readonly label: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const recorded: Recorded[] = [];
const backendHosts = new Set<string>();

export function record(response: Recorded): Recorded {
  recorded.push(response);
  return response;
}

/** A stack with the edge's defaults (the shared helper relaxes rate and cost limits). */
export async function startEdgeStack(options: { env?: Record<string, string>; http?: boolean } = {}): Promise<Stack> {
  // The in-process delivery queue, chosen explicitly: production refuses to start without a
  // choice (src/config.ts), and these tests are about the edge, not the queue.
  const stack = await startStack({ http: options.http, env: { RATE_LIMIT_POINTS: '', MAX_COST: '', DELIVERY_QUEUE: 'memory', ...options.env } });
  watchBackendHosts(stack.mocks.urls);
  return stack;
}

/** Adds the mocks' `host:port`s to what the scan looks for. */
export function watchBackendHosts(urls: Record<ServiceName, string>): void {
  for (const service of SERVICE_NAMES) backendHosts.add(new URL(urls[service]).host);
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent as is; an object is JSON-encoded with `content-type: application/json`. */
  body?: string | object;
}

export interface Sent extends Recorded {
  /** The parsed body, when it is JSON. */
  readonly json: any;
}

/** One request to the BFF: over its socket when the stack listens, else through `yoga.fetch`. */
export async function send(stack: Stack, options: SendOptions = {}): Promise<Sent> {
  const { method = 'POST', path = '/graphql', body } = options;
  const headers: Record<string, string> = { accept: 'application/graphql-response+json, application/json', ...options.headers };
  let payload: string | undefined;
  if (typeof body === 'object') {
    headers['content-type'] ??= 'application/json';
    payload = JSON.stringify(body);
  } else payload = body;
  const init: RequestInit = { method, headers, body: payload };
  const response = stack.http ? await fetch(`${stack.http.url}${path}`, init) : await stack.bff.yoga.fetch(`http://bff.test${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  record({ label: `${method} ${path} ${payload?.slice(0, 80) ?? ''}`, status: response.status, headers: response.headers, text });
  return { label: method, status: response.status, headers: response.headers, text, json };
}

/** A GraphQL POST with `query` (and `variables`). */
export function gql(stack: Stack, query: string, options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  return send(stack, { body: { query, variables: options.variables }, headers: options.headers });
}

export const NO_CALLS = { users: 0, catalog: 0, reviews: 0, inventory: 0, orders: 0, notifications: 0 };

/** The attack reached no backend: every mock's request count is still zero. */
export async function expectNoBackendCalls(stack: Stack): Promise<void> {
  expect(await stack.calls()).toEqual(NO_CALLS);
}

/** What would tell an attacker about our insides, with the reason it is listed. */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  const checks: [RegExp, string][] = [
    [/\bat\s+(?:[\w$.<>[\]]+\s+)?\(?(?:file:\/\/|\/|node:)[^\s)]*:\d+(?::\d+)?\)?/, 'a stack frame'],
    [/\/work\//, 'a file path (/work/)'],
    [/node_modules/, 'a file path (node_modules)'],
    [/\.ts:\d*/, 'a source file (.ts:)'],
    [/originalError/, 'originalError'],
  ];
  for (const [pattern, what] of checks) if (pattern.test(text)) found.push(what);
  for (const host of backendHosts) if (text.includes(host)) found.push(`a backend host (${host})`);
  return found;
}

/**
 * The last test of an edge test file: every response the file produced (bodies and header
 * values) carries no stack frame, file path, backend host or `originalError`.
 */
export function scanEveryResponse(): void {
  describe('every response of this file', () => {
    it('shows no stack frame, file path, backend host or originalError', () => {
      expect(recorded.length).toBeGreaterThan(0);
      expect(backendHosts.size).toBeGreaterThan(0);
      const leaks = recorded.flatMap((response) => {
        const headerText = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
        const found = leaksIn(`${response.text}\n${headerText}`);
        return found.length > 0 ? [`${response.label} → ${response.status}: ${found.join(', ')}\n${response.text.slice(0, 500)}`] : [];
      });
      expect(leaks).toEqual([]);
    });
  });
}
