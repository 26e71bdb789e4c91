/** The Redis keys of one sequence space. All share the hash tag `{space}`, so one script touches one cluster slot. */
export interface SpaceKeys {
  state: string;
  received: string;
  persisted: string;
  inflight: string;
  fingerprints: string;
  replay: string;
  lost: string;
  retaken: string;
  requested: string;
  gapAges: string;
}

/** The keys of `space` under a deployment's prefix. */
export function spaceKeys(prefix: string, space: string): SpaceKeys {
  const base = `${prefix}:ack:{${space}}`;
  return {
    state: base,
    received: `${base}:received`,
    persisted: `${base}:persisted`,
    inflight: `${base}:inflight`,
    fingerprints: `${base}:fingerprints`,
    replay: `${base}:replay`,
    lost: `${base}:lost`,
    retaken: `${base}:retaken`,
    requested: `${base}:requested`,
    gapAges: `${base}:gap-ages`,
  };
}

/** The keys in the order every per-space script takes them (see scripts/space-keys-lua.ts). */
export function scriptKeys(keys: SpaceKeys): string[] {
  return [
    keys.state,
    keys.received,
    keys.persisted,
    keys.inflight,
    keys.fingerprints,
    keys.replay,
    keys.lost,
    keys.retaken,
    keys.requested,
    keys.gapAges,
  ];
}

/** The index keys of partition 0 keep the names they had before partitions, so one-queue deployments keep theirs. */
function partitionSuffix(partition: number): string {
  return partition === 0 ? '' : `:${partition}`;
}

/**
 * One partition's index of recently changed sequence spaces: space → ms of its last change. Spaces idle for longer
 * than the replay watcher's idle time leave it, so a watcher pass costs what the active spaces cost, not every space
 * ever seen. A space's partition is its stream's ingest queue (see `queueLayout`), so each partition's replay watcher
 * reads its own index; each index is one key, touched by single-key commands only.
 */
export function activeSpacesKey(prefix: string, partition = 0): string {
  return `${prefix}:ack:active${partitionSuffix(partition)}`;
}

/** The spaces of one partition the replay watcher found with work still open (gaps, unstored seqs, replays). */
export function openSpacesKey(prefix: string, partition = 0): string {
  return `${prefix}:ack:open${partitionSuffix(partition)}`;
}
