import { randomBytes } from 'node:crypto';
import type { LogLevel } from '@logstream/shared-types';

/** One log the simulator is about to emit. */
export interface SimulatedLog {
  service: string;
  level: LogLevel;
  message: string;
  requestId?: string;
  meta?: Record<string, unknown>;
}

type Pick = <T>(items: readonly T[]) => T;

const USERS = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'radia', 'edsger', 'frances'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];
const CHANNELS = ['email', 'sms', 'push'];
const DECLINES = ['card declined by issuer', 'insufficient funds', 'fraud check failed', 'card expired'];

/**
 * A request that crosses the services under one requestId: login on the first service (auth), charge on the
 * second (payment), notify on the third (notification). With fewer services the roles share services; with more,
 * the extra services answer a downstream call. `failed` turns the charge into an error and the notice into a warning.
 */
function requestFlow(
  services: readonly string[],
  failed: boolean,
  pick: Pick,
  random: () => number,
): SimulatedLog[] {
  const role = (index: number) => services[index % services.length] as string;
  const requestId = `req-${randomBytes(6).toString('hex')}`;
  const user = pick(USERS);
  const amount = Math.round(random() * 20_000) / 100;
  const currency = pick(CURRENCIES);
  const channel = pick(CHANNELS);
  const ms = () => Math.round(5 + random() * 180);
  const logs: SimulatedLog[] = [
    {
      service: role(0),
      level: 'debug',
      message: `POST /login received for ${user}`,
      requestId,
      meta: { user },
    },
    {
      service: role(0),
      level: 'info',
      message: `login succeeded for ${user}`,
      requestId,
      meta: { user, durationMs: ms() },
    },
    {
      service: role(1),
      level: 'debug',
      message: `charge requested: ${amount} ${currency}`,
      requestId,
      meta: { amount, currency },
    },
  ];
  if (failed) {
    const reason = pick(DECLINES);
    logs.push(
      {
        service: role(1),
        level: 'error',
        message: `charge failed: ${reason}`,
        requestId,
        meta: { amount, currency, reason },
      },
      {
        service: role(2),
        level: 'warn',
        message: `sending failure notice to ${user} by ${channel}`,
        requestId,
        meta: { channel },
      },
    );
  } else {
    logs.push(
      {
        service: role(1),
        level: 'info',
        message: `charge authorized: ${amount} ${currency}`,
        requestId,
        meta: { amount, currency, durationMs: ms() },
      },
      {
        service: role(2),
        level: 'info',
        message: `receipt sent to ${user} by ${channel}`,
        requestId,
        meta: { channel, durationMs: ms() },
      },
    );
  }
  for (const extra of services.slice(3)) {
    logs.push({
      service: extra,
      level: 'info',
      message: `downstream call handled`,
      requestId,
      meta: { durationMs: ms() },
    });
  }
  return logs;
}

/** Background chatter of one service, without a requestId: mostly debug/info, some warn. */
function chatter(service: string, pick: Pick, random: () => number): SimulatedLog {
  const roll = random();
  if (roll < 0.45)
    return {
      service,
      level: 'debug',
      message: pick(['cache hit', 'cache miss, loading from store', 'connection reused']),
      meta: { latencyMs: Math.round(random() * 20) },
    };
  if (roll < 0.9)
    return {
      service,
      level: 'info',
      message: pick(['health check ok', 'config reloaded', 'worker pool resized', 'metrics flushed']),
    };
  return {
    service,
    level: 'warn',
    message: pick(['slow query over 500 ms', 'retrying upstream call', 'queue depth above 1000']),
    meta: { attempt: 1 + Math.floor(random() * 3) },
  };
}

/**
 * An endless source of realistic logs: cross-service request flows interleaved with per-service chatter
 * (about 60 % of logs belong to a request). `errorRatio` is the share of requests that fail.
 */
export class Scenario {
  private queued: SimulatedLog[] = [];
  private readonly pick: Pick;

  constructor(
    private readonly services: readonly string[],
    private readonly errorRatio: number,
    private readonly random: () => number = Math.random,
  ) {
    this.pick = <T>(items: readonly T[]) => items[Math.floor(this.random() * items.length)] as T;
  }

  /** The next log to emit. */
  next(): SimulatedLog {
    if (this.queued.length === 0) {
      const flow = requestFlow(this.services, this.random() < this.errorRatio, this.pick, this.random);
      const noise = Array.from({ length: 3 }, () =>
        chatter(this.pick(this.services), this.pick, this.random),
      );
      // Noise lands between a request's steps, as in real traffic; the steps keep their order.
      this.queued = flow;
      for (const log of noise)
        this.queued.splice(Math.floor(this.random() * (this.queued.length + 1)), 0, log);
    }
    return this.queued.shift() as SimulatedLog;
  }
}
