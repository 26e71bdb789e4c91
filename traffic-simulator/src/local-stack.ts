import fs from 'node:fs';
import path from 'node:path';

/** What `npm start` (devstack) writes while it runs, in the repository's `.cache/devstack/endpoints.json`. */
interface LocalStack {
  pid: number;
  apiUrl: string;
  mongoUrl: string;
}

/** The endpoints file of a running `npm start` of this checkout. */
export const ENDPOINTS_PATH = path.resolve(__dirname, '..', '..', '.cache', 'devstack', 'endpoints.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The MongoDB URL of the `npm start` running from this checkout, when one runs: `npm start` may have picked an
 * embedded database on a random port, and the README's `npm run simulate …` should count stored logs there without
 * being told. Undefined when no `npm start` runs (or its file is stale).
 */
export function localStackMongoUrl(file = ENDPOINTS_PATH): string | undefined {
  try {
    const stack = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalStack;
    return typeof stack.mongoUrl === 'string' && alive(stack.pid) ? stack.mongoUrl : undefined;
  } catch {
    return undefined;
  }
}
