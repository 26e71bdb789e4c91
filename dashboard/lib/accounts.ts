import { UserAccounts } from '@logstream/storage';
import { LoginGuard } from './auth/login-guard';
import { config } from './config';
import { models } from './db';
import { redis } from './redis';

const holder = globalThis as typeof globalThis & {
  __logstreamAccounts?: Promise<UserAccounts>;
  __logstreamLoginGuard?: LoginGuard;
};

/** The process's user store (MongoDB). */
export function accounts(): Promise<UserAccounts> {
  holder.__logstreamAccounts ??= models()
    .then((m) => new UserAccounts(m.User))
    .catch((error: unknown) => {
      holder.__logstreamAccounts = undefined;
      throw error;
    });
  return holder.__logstreamAccounts;
}

/** The process's sign-in checker (user store + failed-login limits in Redis). */
export function loginGuard(): LoginGuard {
  const c = config();
  holder.__logstreamLoginGuard ??= new LoginGuard(accounts, redis(), {
    keyPrefix: c.keyPrefix,
    failsPerAccount: c.loginFailsPerAccount,
    failsPerAddress: c.loginFailsPerAddress,
    firstAdmin: c.firstAdmin,
  });
  return holder.__logstreamLoginGuard;
}
