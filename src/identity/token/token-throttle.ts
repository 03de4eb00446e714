import { createHash } from 'node:crypto';
import { ApiError } from '../../platform/errors.js';
import type { WindowCounter } from '../../platform/window-counter.js';

export interface TokenThrottleLimits {
  /** Tokens issued per minute to one authenticated client (0 = no limit). */
  issuedPerClient: number;
  /** Refused token requests per minute from one source address, whatever client they name (0 = no limit). */
  failuresPerAddress: number;
  /** Refused token requests per minute from one source address naming one client (0 = no limit). */
  failuresPerClientPerAddress: number;
}

/**
 * The token endpoint's throttling. Failures are counted where they come from — the source
 * address, and the client id it claims from that address — and checked before any credential
 * is looked at, so rotating client ids does not escape the limit. Successes are counted per
 * authenticated client only. A failure is therefore never charged to a client that did not
 * fail: whoever sends wrong secrets under a client id from elsewhere cannot lock out the
 * holder of the right one.
 */
export class TokenThrottle {
  constructor(
    private readonly limits: TokenThrottleLimits,
    private readonly counter: WindowCounter,
  ) {}

  /** Before authentication: refuses a source that failed too often, overall or for the client it names now. */
  async admit(address: string, claimedClient: string | undefined): Promise<void> {
    const { failuresPerAddress, failuresPerClientPerAddress } = this.limits;
    if (failuresPerAddress > 0) {
      const { count, resetInMs } = await this.counter.peek(addressKey(address));
      if (count >= failuresPerAddress) throw throttled(`Too many failed token requests from this address: at most ${failuresPerAddress} a minute`, resetInMs);
    }
    if (failuresPerClientPerAddress > 0 && claimedClient !== undefined) {
      const { count, resetInMs } = await this.counter.peek(clientAddressKey(claimedClient, address));
      if (count >= failuresPerClientPerAddress) {
        throw throttled(`Too many failed token requests for this client from this address: at most ${failuresPerClientPerAddress} a minute`, resetInMs);
      }
    }
  }

  /** A refused request without an authenticated client: charged to its source. */
  async failed(address: string, claimedClient: string | undefined): Promise<void> {
    const hits: Promise<unknown>[] = [];
    if (this.limits.failuresPerAddress > 0) hits.push(this.counter.hit(addressKey(address)));
    if (this.limits.failuresPerClientPerAddress > 0 && claimedClient !== undefined) hits.push(this.counter.hit(clientAddressKey(claimedClient, address)));
    await Promise.all(hits);
  }

  /** After authentication, before signing: refuses a client that was issued its quota this minute. */
  async issue(clientId: string): Promise<void> {
    const limit = this.limits.issuedPerClient;
    if (limit <= 0) return;
    const { count, resetInMs } = await this.counter.hit(`issued:${clientId}`);
    if (count > limit) throw throttled(`Too many token requests for this client: at most ${limit} a minute`, resetInMs);
  }
}

const addressKey = (address: string) => `failed-from:${address}`;
// Hashed: the claimed id is attacker text, and must not choose the shape or length of a counter key.
const clientAddressKey = (clientId: string, address: string) =>
  `failed-for:${createHash('sha256').update(clientId.toLowerCase()).digest('base64url').slice(0, 22)}:${address}`;

function throttled(reason: string, resetInMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
  return new ApiError(429, 'too_many_requests', `${reason}; retry after ${seconds} seconds.`, { 'retry-after': String(seconds) });
}
