/**
 * The KEYS every per-space ACK script receives, in this order (built by `spaceKeys` in ../keys.ts; all share the
 * space's hash tag, so a Redis Cluster runs each script on one node):
 *   KEYS[1] state        hash: `high` (highest seq received), `touched` (ms of the last change)
 *   KEYS[2] received     interval set of seqs received
 *   KEYS[3] persisted    interval set of seqs durably stored
 *   KEYS[4] inflight     sorted set: member "from-to" (a run of seqs handed to the queue), score = when, in ms
 *   KEYS[5] fingerprints hash: seq → content fingerprint, for seqs received and not yet stored
 *   KEYS[6] replay       sorted set of open replay ranges: member "from-to", score = from
 *   KEYS[7] lost         interval set of seqs given up as lost
 *   KEYS[8] retaken      interval set of seqs taken again for an open replay or lost range, not yet stored
 *   KEYS[9] requested    hash: replay member → ms when first reported to a producer
 *   KEYS[10] gap ages    hash: gap start → ms when the replay watcher first saw the gap
 */
export const SPACE_KEYS_LUA = `
local stateKey, receivedKey, persistedKey, inflightKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local fingerprintsKey, replayKey, lostKey, retakenKey = KEYS[5], KEYS[6], KEYS[7], KEYS[8]

-- Every key of the space lives on for keyLifetimeMs after a script changed the space, so idle spaces leave Redis by
-- themselves (AckStore passes the state lifetime plus the receive script's refresh interval). refreshWritten gives
-- it to the keys a script wrote (a key it created has none yet), refreshExpiry to all of them.
local function refreshWritten(keyLifetimeMs, writtenKeys)
  for _, key in ipairs(writtenKeys) do redis.call('PEXPIRE', key, keyLifetimeMs) end
end

local function refreshExpiry(keyLifetimeMs)
  refreshWritten(keyLifetimeMs, KEYS)
end
`;

/** Number of KEYS of every per-space script. */
export const SPACE_KEY_COUNT = 10;
