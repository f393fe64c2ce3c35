/**
 * The delivery queue from a shell, through the BFF's admin endpoint (so it works the same for
 * the in-process queue and for Redis):
 *
 *   npm run deliveries                  counts and dead letters
 *   npm run deliveries -- retry <id>    put a dead letter back in the queue
 *   npm run deliveries -- drop <id>     drop a dead letter for good
 *
 * Needs ADMIN_TOKEN (the BFF's), and BFF_URL when the BFF is not at http://127.0.0.1:4000.
 */
const USAGE = 'usage: deliveries [list [limit] | retry <id> | drop <id>]  (env: ADMIN_TOKEN, BFF_URL)';

async function main(args: string[]): Promise<number> {
  const token = process.env.ADMIN_TOKEN;
  const base = (process.env.BFF_URL ?? 'http://127.0.0.1:4000').replace(/\/$/, '');
  if (!token) {
    console.error(`ADMIN_TOKEN is not set: it must be the token the BFF was started with.\n${USAGE}`);
    return 2;
  }
  const [command = 'list', arg] = args;
  let method: string;
  let path: string;
  if (command === 'list') {
    method = 'GET';
    path = arg ? `?limit=${encodeURIComponent(arg)}` : '';
  } else if ((command === 'retry' || command === 'drop') && arg) {
    method = command === 'retry' ? 'POST' : 'DELETE';
    path = `/${encodeURIComponent(arg)}${command === 'retry' ? '/retry' : ''}`;
  } else {
    console.error(USAGE);
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${base}/admin/deliveries${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    console.error(`no answer from ${base}: ${(error as Error).message}`);
    return 1;
  }
  const text = await response.text();
  if (response.status === 404 && !text) {
    console.error(`${base} has no admin endpoint: start the BFF with ADMIN_TOKEN set`);
    return 1;
  }
  if (response.status === 204) console.log(`dropped ${arg}`);
  else console.log(text);
  return response.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
