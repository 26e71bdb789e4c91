import path from 'node:path';
import { createProducer, InvalidLogError, type Producer } from '@logstream/producer';
import { CheckpointFile, importId } from './checkpoint';
import { serviceFromFile, type ImportConfig } from './config';
import { objectToLog, type ImportedLog } from './records/object-log';
import { guessFormat, readRecords, type ImportFormat } from './records/read-records';
import { parseTextLine } from './records/text-line';
import { headOf, openFile } from './sources/open-file';

/** A record that was not stored, and why. */
export interface Rejection {
  line: number | undefined;
  reason: string;
}

/** What an import of one file did. */
export interface ImportSummary {
  file: string;
  format: ImportFormat;
  gzip: boolean;
  id: string;
  /** Records read from the file in this run (lines skipped on resume are not counted). */
  read: number;
  /** Logs handed to the API (at least once). */
  sent: number;
  /** Logs the API reported stored. */
  stored: number;
  /** Records refused here (not JSON, invalid) or by the API, with their line (item number for JSON arrays). */
  rejected: number;
  rejections: Rejection[];
  /** Logs still not stored when the wait ended (kept in the spool; run the same command again). */
  pending: number;
  /** Line the run resumed after (0 for a fresh import). */
  resumedAfter: number;
  alreadyComplete: boolean;
  seconds: number;
  /** Logs stored per second over the run. */
  rate: number;
}

/** Live numbers for the progress view. */
export interface ImportProgress {
  bytesRead: number;
  size: number;
  read: number;
  stored: number;
  rejected: number;
  phase: 'reading' | 'storing';
}

/** Options of {@link importFile}. */
export interface ImportOptions {
  config: ImportConfig;
  file: string;
  onProgress: (progress: ImportProgress) => void;
  /** Polled between records: an interrupted import stops reading, spools what it holds and can be resumed. */
  interrupted: () => boolean;
}

const MAX_REJECTIONS_KEPT = 1000;
const CHECKPOINT_EVERY_MS = 5_000;

/** One producer per service, remembering the file line of each seq until it is stored. */
class ServiceProducer {
  readonly lines = new Map<number, number>();
  private lowest = 1;

  constructor(
    readonly producer: Producer,
    onRejected: (line: number | undefined, reason: string) => void,
  ) {
    producer.on(
      'rejected',
      ({ seq, errors }: { seq: number; errors: { field: string; message: string }[] }) => {
        onRejected(this.lines.get(seq), errors.map((e) => `${e.field}: ${e.message}`).join('; '));
        this.lines.delete(seq);
      },
    );
    producer.on('persisted', ({ persistedTill }: { persistedTill: number }) => {
      for (; this.lowest <= persistedTill; this.lowest++) this.lines.delete(this.lowest);
    });
    // Retries and refusals are counted in stats(); the summary reports what was not stored.
    producer.on('error', () => undefined);
  }
}

/**
 * Imports one file: streams its records (never the whole file in memory), hands each to the producer of its service
 * (which batches, retries and spools it), checkpoints the line reached every few seconds, and at the end waits until
 * the API reports every log stored. A rerun of the same command resumes an interrupted import.
 */
export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const { config, file } = options;
  const startedAt = Date.now();
  const defaultService = config.service ?? serviceFromFile(file);
  const format: ImportFormat =
    config.format === 'auto' ? guessFormat(file, await headOf(file)) : config.format;
  const id = importId(file, format, defaultService);
  const checkpoints = new CheckpointFile(path.join(config.spoolDir, id));
  const previous = checkpoints.read();
  const opened = openFile(file);
  const summary: ImportSummary = {
    file,
    format,
    gzip: opened.gzip,
    id,
    read: 0,
    sent: 0,
    stored: 0,
    rejected: 0,
    rejections: [],
    pending: 0,
    resumedAfter: previous?.line ?? 0,
    alreadyComplete: previous?.complete === true,
    seconds: 0,
    rate: 0,
  };
  if (summary.alreadyComplete) {
    opened.stream.destroy();
    return summary;
  }

  const reject = (line: number | undefined, reason: string) => {
    summary.rejected += 1;
    if (summary.rejections.length < MAX_REJECTIONS_KEPT) summary.rejections.push({ line, reason });
  };
  const producers = new Map<string, ServiceProducer>();
  const producerOf = (service: string): ServiceProducer => {
    let entry = producers.get(service);
    if (!entry) {
      const producer = createProducer({
        url: config.url,
        service,
        instance: id,
        apiKey: config.apiKey,
        spoolFile: checkpoints.spoolOf(service),
        batchSize: 1000,
        maxInFlight: 4,
        // Bounds memory: reading waits while this many logs are unstored.
        maxBuffered: 10_000,
      });
      entry = new ServiceProducer(producer, reject);
      producers.set(service, entry);
    }
    return entry;
  };
  const totals = () => {
    let sent = 0;
    let stored = 0;
    let buffered = 0;
    for (const { producer } of producers.values()) {
      const stats = producer.stats();
      sent += stats.sent;
      stored += stats.persisted;
      buffered += stats.buffered;
    }
    return { sent, stored, buffered };
  };
  const report = (phase: ImportProgress['phase']) =>
    options.onProgress({
      bytesRead: opened.bytesRead(),
      size: opened.size,
      read: summary.read,
      stored: totals().stored,
      rejected: summary.rejected,
      phase,
    });

  // A resumed import reopens the producer of every spool it left: they resend what was not yet stored.
  for (const service of checkpoints.spooledServices()) producerOf(service);

  // The producer's timers do not hold the process open; while reading waits for room, this one does (and reports).
  let phase: ImportProgress['phase'] = 'reading';
  const ticker = setInterval(() => report(phase), 500);
  try {
    return await run();
  } finally {
    clearInterval(ticker);
  }

  async function run(): Promise<ImportSummary> {
    let line = summary.resumedAfter;
    let lastCheckpointAt = Date.now();
    let lastReportAt = 0;
    const checkpoint = async () => {
      // Every log handed over so far is in a spool once the API received it (the producer spools before it sends).
      await Promise.all([...producers.values()].map(({ producer }) => producer.flush(config.waitMs)));
      checkpoints.write({ version: 1, file, line, complete: false });
      lastCheckpointAt = Date.now();
    };

    for await (const record of readRecords(opened.stream, format)) {
      if (record.line <= summary.resumedAfter) continue;
      summary.read += 1;
      let log: ImportedLog | { error: string };
      if (record.kind === 'error') log = { error: record.error };
      else if (record.kind === 'text')
        log = { service: defaultService, ...toFields(parseTextLine(record.text)) };
      else log = objectToLog(record.value, defaultService);
      if ('error' in log) {
        reject(record.line, log.error);
      } else {
        try {
          const target = producerOf(log.service);
          const seq = await target.producer.log(log.level, log.message, log.fields);
          target.lines.set(seq, record.line);
        } catch (error) {
          if (!(error instanceof InvalidLogError || error instanceof TypeError)) throw error;
          reject(record.line, error.message.replace(/^invalid log: /, ''));
        }
      }
      line = record.line;
      const now = Date.now();
      if (now - lastReportAt >= 200) {
        lastReportAt = now;
        report('reading');
      }
      if (now - lastCheckpointAt >= CHECKPOINT_EVERY_MS) await checkpoint();
      if (options.interrupted()) break;
    }

    phase = 'storing';
    const deadline = Date.now() + config.waitMs;
    while (totals().buffered > 0 && Date.now() < deadline && !options.interrupted()) {
      report('storing');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const finished = !options.interrupted() && totals().buffered === 0;
    await Promise.all(
      [...producers.values()].map(({ producer }) =>
        producer.close({ waitForPersisted: true, timeoutMs: 1_000 }),
      ),
    );
    report('storing');
    const { sent, stored, buffered } = totals();
    Object.assign(summary, { sent, stored, pending: buffered });
    checkpoints.write({ version: 1, file, line, complete: finished });
    if (finished) checkpoints.removeSpools();
    summary.seconds = (Date.now() - startedAt) / 1000;
    summary.rate = summary.seconds > 0 ? Math.round(stored / summary.seconds) : stored;
    return summary;
  }
}

function toFields(text: { level: string; message: string; timestamp?: string }) {
  return {
    level: text.level,
    message: text.message,
    fields: text.timestamp !== undefined ? { timestamp: text.timestamp } : {},
  };
}
