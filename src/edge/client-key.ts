import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Who is asking, for per-client limits: the bearer token when there is one (so users behind one
 * NAT or office proxy do not share a budget), else the client's address.
 *
 * Tokens are hashed: the key is stored in memory or Redis, and a credential has no business
 * there. They are not verified here (that costs a backend call), so a client inventing a new
 * token per request gets a new budget each time; the address limit of a front proxy or WAF is
 * what stops that.
 */
export function clientKey(request: Request, serverContext: unknown, trustProxy: number): string {
  const authorization = request.headers.get('authorization');
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token) return `token:${createHash('sha256').update(token).digest('base64url').slice(0, 32)}`;
  return `addr:${clientAddress(request, serverContext, trustProxy) ?? 'unknown'}`;
}

/**
 * The client's address. `X-Forwarded-For` is anyone's to write, so it counts only with
 * `trustProxy` > 0, and then only the entry appended by the outermost trusted proxy: each proxy
 * appends the address it received the request from, so with `n` trusted proxies the client is
 * the n-th address from the right (the socket's own address being the last one).
 */
export function clientAddress(request: Request, serverContext: unknown, trustProxy: number): string | undefined {
  const socketAddress = (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
  let address = socketAddress;
  if (trustProxy > 0) {
    const forwarded = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const chain = socketAddress === undefined ? forwarded : [...forwarded, socketAddress];
    address = chain[Math.max(0, chain.length - 1 - trustProxy)] ?? socketAddress;
  }
  return address === undefined ? undefined : normalize(address);
}

/**
 * `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4. An IPv6 client usually holds a whole /64 and can
 * pick a new address in it for every request, so IPv6 addresses count per /64.
 */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`64:ff9b::1.2.3.4`) stands for two groups.
  const width = (parts: string[]) => parts.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0);
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
