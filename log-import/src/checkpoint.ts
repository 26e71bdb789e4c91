import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where an import of one file stands; kept next to its producer spools. */
export interface Checkpoint {
  version: 1;
  file: string;
  /** Every record up to this line was handed to a producer whose spool holds it (or was refused). */
  line: number;
  /** Set once every record was read and stored. */
  complete: boolean;
}

/**
 * The identity of an import: the file (path, size, modification time) and how it is read. It names the spool
 * directory and the producers' instance (`service/<id>`), so a resumed import continues the same streams and their
 * seqs, and two imports never share seqs with each other or with live producers.
 */
export function importId(file: string, format: string, service: string): string {
  const stat = fs.statSync(file);
  const hash = createHash('sha256')
    .update(`${path.resolve(file)}\0${stat.size}\0${stat.mtimeMs}\0${format}\0${service}`)
    .digest('hex');
  return `import-${hash.slice(0, 12)}`;
}

/** Reads and writes one import's checkpoint (`<dir>/checkpoint.json`), atomically. */
export class CheckpointFile {
  private readonly file: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'checkpoint.json');
  }

  read(): Checkpoint | undefined {
    if (!fs.existsSync(this.file)) return undefined;
    return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Checkpoint;
  }

  write(checkpoint: Checkpoint): void {
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(checkpoint));
    fs.renameSync(`${this.file}.tmp`, this.file);
  }

  /** Spool file of one service's producer. */
  spoolOf(service: string): string {
    return path.join(this.dir, `${service}.spool.ndjson`);
  }

  /** Services whose producer left a spool here (an interrupted run). */
  spooledServices(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith('.spool.ndjson'))
      .map((name) => name.slice(0, -'.spool.ndjson'.length));
  }

  /** Removes the spools of a finished import (the checkpoint stays, so a rerun knows it is done). */
  removeSpools(): void {
    for (const name of fs.readdirSync(this.dir)) {
      if (name.includes('.spool.')) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }
}
