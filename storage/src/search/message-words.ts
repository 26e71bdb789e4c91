/**
 * The words of a log message, stored on each log (`words`) so a text search is an equality lookup
 * (`{words: 'timeout'}`): served by a multikey index on MongoDB and pushed down to PostgreSQL by FerretDB
 * (`_jsonb->'words' @> '"timeout"'`, a GIN index there), instead of a regex over every candidate message.
 *
 * A word is a run of letters, digits and `_` (Unicode-aware), lowercased. Text search matches on word boundaries:
 * `timeout` finds "upstream timeout after" but not "timeouts".
 */

/** Distinct words kept per message; words after this many are not found by a text search. */
export const MAX_WORDS = 100;

/** Longest word kept; a longer run of word characters is not indexed (and not searchable as a word). */
export const MAX_WORD_LENGTH = 48;

const WORD = /[\p{L}\p{N}_]+/gu;

/** The distinct lowercased words of `message`, in order of first appearance, at most {@link MAX_WORDS}. */
export function messageWords(message: string): string[] {
  const words = new Set<string>();
  for (const match of message.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (word.length > MAX_WORD_LENGTH) continue;
    words.add(word);
    if (words.size >= MAX_WORDS) break;
  }
  return [...words];
}

/**
 * The word of a search text the lookup uses (`{words: it}`): the longest, as the most selective guess. Null when the
 * text has no usable word (only punctuation, or only over-long runs): such a search cannot use the index.
 */
export function lookupWord(q: string): string | null {
  let best: string | null = null;
  for (const word of messageWords(q)) if (!best || word.length > best.length) best = word;
  return best;
}

/**
 * Escapes every regex metacharacter so user text is matched literally (the same in JavaScript's Unicode mode, Go's
 * RE2 and PCRE: `-` is literal outside a class and is not escaped, as Unicode mode forbids `\-`).
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The `$regex` source that matches `q` literally (case-insensitive with option `i`) on word boundaries: where `q`
 * starts or ends with a word character, the message must not continue the word there. Written without look-behind
 * (FerretDB's Go regex engine has none); works the same in MongoDB's PCRE.
 */
export function wordBoundedPattern(q: string): string {
  const before = WORD_CHAR.test(q.charAt(0)) ? '(?:^|[^\\p{L}\\p{N}_])' : '';
  const after = WORD_CHAR.test(q.charAt(q.length - 1)) ? '(?:[^\\p{L}\\p{N}_]|$)' : '';
  return `${before}${escapeRegex(q)}${after}`;
}

/** The same test as the search's `$regex`, in JavaScript, for logs already read; an empty text matches all. */
export function textMatcher(q: string): (message: string) => boolean {
  if (!q) return () => true;
  const pattern = new RegExp(wordBoundedPattern(q), 'iu');
  return (message) => pattern.test(message);
}
