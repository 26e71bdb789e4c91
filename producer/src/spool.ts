import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** A new producer session id: 16 random bytes, URL-safe. */
export function newSessionId(): string {
  return randomBytes(12).toString('base64url');
}

/** The spool's small state file (`<spool>.state.json`), rewritten atomically at compaction and close. */
export interface SpoolState {
  /** 2 since producer sessions; a version-1 spool has none and keeps numbering without one. */
  version: 1 | 2;
  stream: string;
  /** The producer session the spooled seqs belong to (absent in a version-1 spool). */
  session?: string;
  /** Next seq to assign; at least one above every seq ever written to the spool. */
  nextSeq: number;
  /** Every seq ≤ this is known persisted by the API and may be absent from the spool. */
  persistedTill: number;
}

/** A log read back from the spool. */
export interface SpooledLog {
  seq: number;
  /** The log exactly as it was serialized for the API. */
  json: string;
}

/** What a reopened spool hands back to the producer. */
export interface SpoolRecovery {
  /** The session to continue: the spool's, a new one for a new spool, none for a version-1 spool. */
  session: string | undefined;
  nextSeq: number;
  persistedTill: number;
  logs: SpooledLog[];
}

/** Path of the state file that goes with a spool file. */
export function stateFileOf(spoolFile: string): string {
  return `${spoolFile}.state.json`;
}

/** One spool line: `{"seq":N,"log":{…}}` followed by a newline. */
export function spoolLine(log: SpooledLog): string {
  return `{"seq":${log.seq},"log":${log.json}}\n`;
}

/**
 * Reads a spool and its state. Lines that do not parse (a write torn by a crash) are skipped; seqs already persisted
 * are dropped; a seq written twice keeps its first copy.
 */
export function readSpool(spoolFile: string, stream: string): SpoolRecovery {
  let state: SpoolState = { version: 2, stream, session: newSessionId(), nextSeq: 1, persistedTill: 0 };
  const stateFile = stateFileOf(spoolFile);
  if (fs.existsSync(stateFile)) {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SpoolState;
    if (state.stream !== stream) {
      throw new Error(`spool ${spoolFile} belongs to stream "${state.stream}", not "${stream}"`);
    }
  }
  const logs = new Map<number, string>();
  let highest = 0;
  if (fs.existsSync(spoolFile)) {
    for (const line of fs.readFileSync(spoolFile, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let parsed: { seq?: unknown; log?: unknown };
      try {
        parsed = JSON.parse(line) as { seq?: unknown; log?: unknown };
      } catch {
        continue;
      }
      if (typeof parsed.seq !== 'number' || !Number.isInteger(parsed.seq) || parsed.seq < 1) continue;
      if (typeof parsed.log !== 'object' || parsed.log === null) continue;
      highest = Math.max(highest, parsed.seq);
      if (parsed.seq > state.persistedTill && !logs.has(parsed.seq))
        logs.set(parsed.seq, JSON.stringify(parsed.log));
    }
  }
  return {
    session: state.session,
    nextSeq: Math.max(state.nextSeq, highest + 1, state.persistedTill + 1),
    persistedTill: state.persistedTill,
    logs: [...logs.entries()].sort((a, b) => a[0] - b[0]).map(([seq, json]) => ({ seq, json })),
  };
}

/**
 * Append-only NDJSON spool of the logs a producer holds, so a restarted producer resumes its seqs and resends what
 * was not persisted. Writes are queued and performed in order on one promise chain; the producer awaits
 * {@link FileSpool.durable} before sending, so no seq reaches the API before it is in the spool. The file is
 * compacted (rewritten with only the logs still held) once most of its lines are persisted.
 * It survives a process crash; it does not fsync, so it does not promise to survive a power cut.
 * One producer at a time owns a spool (a lock file, kept fresh while it runs): a second producer given the same file
 * would share its session and seqs, so it is refused.
 */
export class FileSpool {
  private pendingLines: string[] = [];
  private unlock: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  private linesInFile = 0;
  private failure: Error | undefined;

  constructor(
    readonly file: string,
    private readonly stream: string,
    private readonly session: string | undefined,
    /** Compact when at least this many lines are persisted and they outnumber the live ones. */
    private readonly compactAfterLines = 5000,
  ) {}

  /**
   * Opens (or creates) a spool and returns it with what it held. Throws when another live producer holds it (its lock
   * is refreshed every second; one left by a process that died goes stale after 5 s).
   */
  static open(file: string, stream: string): { spool: FileSpool; recovered: SpoolRecovery } {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let unlock: () => void;
    try {
      unlock = lockfile.lockSync(file, { realpath: false, stale: 5_000, update: 1_000 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      throw new Error(
        `spool ${file} is in use by another producer (a spool belongs to one producer; a producer that crashed ` +
          'releases it within 5 s)',
      );
    }
    const recovered = readSpool(file, stream);
    const spool = new FileSpool(file, stream, recovered.session);
    spool.unlock = unlock;
    // Start from a compact file holding exactly what was recovered.
    spool.rewrite(recovered.logs, recovered.nextSeq, recovered.persistedTill);
    return { spool, recovered };
  }

  /** Queues logs to be appended. */
  append(logs: readonly SpooledLog[]): void {
    for (const log of logs) this.pendingLines.push(spoolLine(log));
  }

  /** Resolves once every queued line is written; rejects if the spool cannot be written. */
  durable(): Promise<void> {
    if (this.pendingLines.length > 0) {
      const chunk = this.pendingLines.join('');
      const count = this.pendingLines.length;
      this.pendingLines = [];
      this.enqueue(async () => {
        await fs.promises.appendFile(this.file, chunk);
        this.linesInFile += count;
      });
    }
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /**
   * Called when `persistedTill` advanced. Compacts the file when it is mostly persisted lines; `live` gives the logs
   * still held at the time the compaction runs.
   */
  persisted(persistedTill: number, heldCount: number, live: () => SpooledLog[], nextSeq: () => number): void {
    const dead = this.linesInFile - heldCount;
    if (dead < this.compactAfterLines || dead < heldCount) return;
    void this.durable().catch(() => undefined);
    this.enqueue(async () => this.rewrite(live(), nextSeq(), persistedTill));
  }

  /** Writes everything queued, then compacts the file to the logs still held (`live`) and writes the final state. */
  async close(nextSeq: number, persistedTill: number, live?: readonly SpooledLog[]): Promise<void> {
    try {
      await this.durable();
      if (live) this.rewrite(live, nextSeq, persistedTill);
      else this.writeState(this.stateAt(nextSeq, persistedTill));
    } finally {
      this.unlock?.();
      this.unlock = undefined;
    }
  }

  private stateAt(nextSeq: number, persistedTill: number): SpoolState {
    return this.session === undefined
      ? { version: 1, stream: this.stream, nextSeq, persistedTill }
      : { version: 2, stream: this.stream, session: this.session, nextSeq, persistedTill };
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }

  private rewrite(logs: readonly SpooledLog[], nextSeq: number, persistedTill: number): void {
    // State first: once it says persistedTill/nextSeq, any file content is consistent with it.
    this.writeState(this.stateAt(nextSeq, persistedTill));
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, logs.map(spoolLine).join(''));
    fs.renameSync(tmp, this.file);
    this.linesInFile = logs.length;
  }

  private writeState(state: SpoolState): void {
    const file = stateFileOf(this.file);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
  }
}
