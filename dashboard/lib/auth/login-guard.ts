import type { RedisClient } from '@logstream/runtime';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { UserAccounts } from '@logstream/storage';
import type { UserInfo } from '@logstream/shared-types';

/** What a sign-in attempt ends in. Refusals never say whether the account exists. */
export type LoginOutcome =
  | { ok: true; user: UserInfo }
  | { ok: false; reason: 'invalid' | 'locked'; message: string; retryAfterS?: number };

/** The one message of a wrong e-mail, wrong password, unknown user or malformed input alike. */
export const INVALID_LOGIN = 'Wrong e-mail or password.';

const ACCOUNT_WINDOW_S = 15 * 60;
const ADDRESS_WINDOW_S = 60 * 60;

/**
 * Checks sign-ins against the user store, with failed attempts counted in Redis (rate-limiter-flexible) per account
 * and per client address. An account or address over its allowance is refused before any password is checked, with
 * the same answer whether or not the account exists; a success clears the account's counter.
 */
export class LoginGuard {
  private readonly byAccount: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(
    private readonly accounts: () => Promise<UserAccounts>,
    redis: RedisClient,
    options: {
      keyPrefix: string;
      failsPerAccount: number;
      failsPerAddress: number;
      /** Creates this admin when no user exists yet (production first run). */
      firstAdmin?: { email: string; password: string };
    },
  ) {
    this.firstAdmin = options.firstAdmin;
    this.byAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.keyPrefix}:login-fail:account`,
      points: options.failsPerAccount,
      duration: ACCOUNT_WINDOW_S,
      blockDuration: ACCOUNT_WINDOW_S,
    });
    this.byAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.keyPrefix}:login-fail:address`,
      points: options.failsPerAddress,
      duration: ADDRESS_WINDOW_S,
      blockDuration: ADDRESS_WINDOW_S,
    });
  }

  private readonly firstAdmin: { email: string; password: string } | undefined;
  private firstAdminDone: Promise<unknown> | undefined;

  /** Checks `email`/`password` (any JSON value is accepted and refused unless both are fitting strings). */
  async attempt(email: unknown, password: unknown, address: string): Promise<LoginOutcome> {
    const account = typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '(none)';
    const [accountState, addressState] = await Promise.all([
      this.byAccount.get(account),
      this.byAddress.get(address),
    ]);
    const blocked = [
      { state: accountState, points: this.byAccount.points },
      { state: addressState, points: this.byAddress.points },
    ].filter(({ state, points }) => state !== null && state.consumedPoints >= points);
    if (blocked.length > 0) {
      const retryAfterS = Math.ceil(Math.max(...blocked.map(({ state }) => state?.msBeforeNext ?? 0)) / 1000);
      return {
        ok: false,
        reason: 'locked',
        message: `Too many failed sign-ins. Try again in ${Math.max(1, Math.ceil(retryAfterS / 60))} min.`,
        retryAfterS,
      };
    }
    const accounts = await this.accounts();
    if (this.firstAdmin) {
      const first = this.firstAdmin;
      this.firstAdminDone ??= accounts
        .ensureFirstAdmin(first.email, first.password)
        .catch((error: unknown) => {
          this.firstAdminDone = undefined;
          throw error;
        });
      await this.firstAdminDone;
    }
    const user = await accounts.verify(email, password);
    if (user) {
      await this.byAccount.delete(account);
      return { ok: true, user };
    }
    await Promise.all([
      this.byAccount.consume(account, 1).catch(ignoreLimit),
      this.byAddress.consume(address, 1).catch(ignoreLimit),
    ]);
    return { ok: false, reason: 'invalid', message: INVALID_LOGIN };
  }
}

/** `consume` rejects with a RateLimiterRes once over the limit: that is the count doing its job, not an error. */
function ignoreLimit(error: unknown): void {
  if (error instanceof RateLimiterRes) return;
  throw error;
}
