import { createProducer, type Producer } from '@logstream/producer';
import { cleanUpOnSignal } from '@logstream/devstack';
import { connectMongo, createModels } from '@logstream/storage';
import { startChaosStack } from './chaos-stack';

/** Options of one soak. */
export interface ChaosOptions {
  /** How long producers send, in ms (faults are spread over this time). */
  durationMs: number;
  /** Services, each with `replicas` producers (replicas of one service share the service name, nothing else). */
  services: number;
  replicas: number;
  /** Logs per second per producer. */
  ratePerProducer: number;
  /** The worker is SIGKILLed and restarted this often (not while the database is paused). */
  killEveryMs: number;
  /** How long the database server is frozen (SIGSTOP) once, at 60% of the run. */
  pauseMs: number;
  /** After sending stops, how long producers may take to see everything persisted. */
  settleMs: number;
  log: (line: string) => void;
}

/** One producer's line of the audit. */
export interface ProducerAudit {
  stream: string;
  session: string;
  sent: number;
  stored: number;
  /** Sent, not stored, and no longer held by the producer: truly lost. */
  lost: number;
  /** Sent, not stored yet, and still held by the producer when the settle time ran out (unfinished, not lost). */
  held: number;
  duplicates: number;
}

/** The soak's result, read from MongoDB at the end. */
export interface ChaosReport {
  durationMs: number;
  producers: number;
  faults: { workerKills: number; redisRestarts: number; databasePauseMs: number };
  sent: number;
  stored: number;
  lost: number;
  held: number;
  duplicates: number;
  /** Producers whose close() still held unpersisted logs at the end. */
  incomplete: number;
  workerRssPeakMb: number;
  /**
   * The per-minute counts against the stored logs, per service: `stored` documents, `counted` by the rollups, and the
   * services where they differ (after waiting up to `ROLLUP_SETTLE_MS` for the worker's last rollup writes).
   */
  rollups: { stored: number; counted: number; differing: string[] };
  perProducer: ProducerAudit[];
}

/**
 * How long the audit waits for the rollups to take in the last stored logs, and the flushes of killed workers that
 * are counted once stale (the soak's workers run with STALE_FLUSH_AFTER_MS 30 s).
 */
const ROLLUP_SETTLE_MS = 90_000;

/**
 * Where counts and stored logs differ, for the report: per minute and level of the differing services, the stored and
 * counted logs, and the flushes that stored those logs (`writer:flush`, how many logs, the bucket's mark for that
 * writer, and whether the flush's journal entry is still there, i.e. its increments were never confirmed).
 */
async function describeDifferences(
  models: ReturnType<typeof createModels>,
  services: string[],
  log: (line: string) => void,
): Promise<void> {
  const stored = await models.Log.aggregate<{ _id: { minute: Date; service: string; level: string }; n: number }>([
    { $match: { service: { $in: services } } },
    { $group: { _id: { minute: '$minute', service: '$service', level: '$level' }, n: { $sum: 1 } } },
  ]);
  for (const { _id: bucket, n } of stored) {
    const rollup = await models.Rollup.findOne({
      minute: bucket.minute,
      service: bucket.service,
      level: bucket.level,
    }).lean<{ count: number; hw?: Record<string, number> }>();
    if ((rollup?.count ?? 0) === n) continue;
    const flushes = await models.Log.aggregate<{ _id: string; n: number }>([
      { $match: { minute: bucket.minute, service: bucket.service, level: bucket.level } },
      { $group: { _id: '$flushRef', n: { $sum: 1 } } },
    ]);
    const described: string[] = [];
    for (const flush of flushes.sort((a, b) => a._id.localeCompare(b._id))) {
      const separator = flush._id.lastIndexOf(':');
      const writer = flush._id.slice(0, separator);
      const journaled = (await models.FlushJournal.collection.countDocuments({ _id: flush._id } as never)) > 0;
      described.push(`${flush._id}×${flush.n} mark ${rollup?.hw?.[writer] ?? '-'}${journaled ? ' journaled' : ''}`);
    }
    log(
      `counts differ at ${new Date(bucket.minute).toISOString()} ${bucket.service}/${bucket.level}: ${n} stored, ` +
        `${rollup?.count ?? 0} counted; flushes: ${described.join(', ')}`,
    );
  }
}

/** Stored documents and rollup counts per service; waits while they differ, up to ROLLUP_SETTLE_MS. */
async function auditRollups(
  models: ReturnType<typeof createModels>,
  services: string[],
  log: (line: string) => void,
) {
  const started = Date.now();
  const deadline = started + ROLLUP_SETTLE_MS;
  for (;;) {
    const stored = new Map<string, number>();
    for (const service of services) stored.set(service, await models.Log.countDocuments({ service }));
    const rows = await models.Rollup.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$service', n: { $sum: '$count' } } },
    ]);
    const counted = new Map(rows.map((row) => [row._id, row.n]));
    const differing = services.filter((service) => (counted.get(service) ?? 0) !== stored.get(service));
    if (differing.length === 0 || Date.now() >= deadline) {
      log(`per-minute counts audited in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (differing.length > 0) await describeDifferences(models, differing, log);
      const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
      return {
        stored: sum(stored.values()),
        counted: sum(services.map((service) => counted.get(service) ?? 0)),
        differing: differing.map(
          (service) => `${service}: ${stored.get(service)} stored, ${counted.get(service) ?? 0} counted`,
        ),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const SERVICE_NAMES = ['auth', 'payment', 'notification', 'search', 'billing', 'inventory'];

/** Sends `rate` logs a second from one producer until `until`; each log carries its producer's label and number. */
async function sendUntil(producer: Producer, label: string, rate: number, until: number): Promise<number> {
  let sent = 0;
  const started = Date.now();
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    while (sent < due) {
      sent += 1;
      await producer.info(`chaos ${label} #${sent}`, { meta: { chaos: label, n: sent } });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sent;
}

/**
 * Runs several services with several replicas each through the producer client against a private stack, while the
 * worker is killed every few seconds, Redis is restarted once with its data gone, and the database is frozen once;
 * then counts, per producer, what MongoDB holds: every log sent must be stored exactly once.
 */
export async function runChaosSoak(options: ChaosOptions): Promise<ChaosReport> {
  const stack = await startChaosStack(options.log);
  // Interrupted (Ctrl-C), it still stops its private Redis, database, API and worker.
  const releaseSignals = cleanUpOnSignal(() => stack.stop());
  const connection = await connectMongo(stack.mongoUrl);
  const faults = { workerKills: 0, redisRestarts: 0, databasePauseMs: 0 };
  try {
    const producers: { label: string; producer: Producer }[] = [];
    for (let service = 0; service < options.services; service++) {
      for (let replica = 0; replica < options.replicas; replica++) {
        const name = SERVICE_NAMES[service % SERVICE_NAMES.length] as string;
        producers.push({
          label: `${name}-r${replica}`,
          producer: createProducer({ url: stack.apiUrl, service: name, batchSize: 100, ackPollMs: 500 }),
        });
      }
    }
    const started = Date.now();
    const until = started + options.durationMs;
    const sending = Promise.all(
      producers.map(({ producer, label }) => sendUntil(producer, label, options.ratePerProducer, until)),
    );

    // The fault schedule: Redis restarted at 30%, the database frozen at 60%, the worker killed all along.
    let redisDone = false;
    let pauseDone = false;
    let nextKill = started + options.killEveryMs;
    while (Date.now() < until) {
      const elapsed = (Date.now() - started) / options.durationMs;
      if (!redisDone && elapsed >= 0.3) {
        redisDone = true;
        options.log('fault: Redis killed and restarted empty');
        await stack.restartRedis();
        faults.redisRestarts += 1;
      } else if (!pauseDone && elapsed >= 0.6) {
        pauseDone = true;
        options.log(`fault: database frozen for ${options.pauseMs} ms`);
        faults.databasePauseMs = options.pauseMs;
        await stack.pauseDatabase(options.pauseMs);
        options.log('fault: database running again');
        nextKill = Date.now() + options.killEveryMs;
      } else if (Date.now() >= nextKill) {
        await stack.killWorker();
        faults.workerKills += 1;
        nextKill = Date.now() + options.killEveryMs;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sentCounts = await sending;
    options.log(`sending stopped after ${sentCounts.reduce((a, b) => a + b, 0)} logs; waiting for persistence`);
    const stopped = Date.now();
    const closed = await Promise.all(
      producers.map(({ producer }) => producer.close({ waitForPersisted: true, timeoutMs: options.settleMs })),
    );
    options.log(`producers closed ${((Date.now() - stopped) / 1000).toFixed(1)} s after sending stopped; auditing`);

    if (closed.some((result) => !result.complete)) {
      options.log(`not everything was persisted in time; last output of the processes:\n${stack.output().slice(-6000)}`);
      for (const { producer } of producers) options.log(`${producer.space}: ${JSON.stringify(producer.stats())}`);
    }

    // The audit: what MongoDB holds, per producer label and log number.
    const models = createModels(connection);
    const seen = new Map<string, Map<number, number>>();
    const cursor = models.Log.collection.find(
      { 'meta.chaos': { $exists: true } },
      { projection: { 'meta.chaos': 1, 'meta.n': 1 } },
    );
    for await (const doc of cursor) {
      const meta = doc.meta as { chaos: string; n: number };
      const counts = seen.get(meta.chaos) ?? new Map<number, number>();
      counts.set(meta.n, (counts.get(meta.n) ?? 0) + 1);
      seen.set(meta.chaos, counts);
    }
    const perProducer = producers.map(({ label, producer }, index): ProducerAudit => {
      const sent = sentCounts[index] as number;
      const counts = seen.get(label) ?? new Map<number, number>();
      let missing = 0;
      let duplicates = 0;
      for (let n = 1; n <= sent; n++) {
        const copies = counts.get(n) ?? 0;
        if (copies === 0) missing += 1;
        else duplicates += copies - 1;
      }
      // What the producer still holds may yet be stored (it is in its buffer, resent until persisted): not lost.
      const held = Math.min(missing, closed[index]?.remaining ?? 0);
      return {
        stream: producer.stream,
        session: producer.session ?? '',
        sent,
        stored: [...counts.values()].reduce((a, b) => a + b, 0),
        lost: missing - held,
        held,
        duplicates,
      };
    });
    const total = (key: 'sent' | 'stored' | 'lost' | 'held' | 'duplicates') =>
      perProducer.reduce((sum, audit) => sum + audit[key], 0);
    return {
      durationMs: Date.now() - started,
      producers: producers.length,
      faults,
      sent: total('sent'),
      stored: total('stored'),
      lost: total('lost'),
      held: total('held'),
      duplicates: total('duplicates'),
      incomplete: closed.filter((result) => !result.complete).length,
      workerRssPeakMb: Math.round(stack.workerRssPeak() / (1024 * 1024)),
      rollups: await auditRollups(models, SERVICE_NAMES.slice(0, options.services), options.log),
      perProducer,
    };
  } catch (error) {
    options.log(stack.output().slice(-4000));
    throw error;
  } finally {
    releaseSignals();
    await connection.close();
    await stack.stop();
  }
}
