import { INTERVAL_SET_LUA } from './interval-set';
import { SPACE_KEY_COUNT, SPACE_KEYS_LUA } from './space-keys-lua';
import { STATE_REPLY_LUA } from './state-reply';

/**
 * Marks the seqs of one request received in a sequence space and decides, per item, what the API does with it.
 *
 * KEYS: the space's keys (see space-keys-lua.ts).
 * ARGV[1] now (ms), ARGV[2] most intervals the received set may hold, ARGV[3] key lifetime after a change (ms),
 * ARGV[4] expiry refresh interval (ms), ARGV[5..] pairs of (seq, content fingerprint), one per numbered item in
 * request order.
 *
 * Expiry: the script runs once per request and space, so it does not renew all ten keys of the space each time (that
 * was a third of the Redis calls of a one-log request). It renews every key once per refresh interval (the time is
 * kept in the state hash, field `refreshed`) and, in between, only the keys it wrote. AckStore passes a key lifetime
 * of the state lifetime plus that interval, so every key still lives at least the state lifetime after the last
 * change: the last full renewal was less than one interval before it.
 *
 * Verdicts, one per item: `new` (first time seen: enqueue), `resent` (an open replay or a lost range covers it: its
 * earlier copy was lost, enqueue — once: further copies while that one is on its way are duplicates, so a producer
 * answering a replay again and again never floods the queue), `verify` (already stored, or received with no fingerprint on record: enqueue, the
 * worker compares it with the stored copy and keeps both if they differ), `duplicate` (in flight with the same
 * fingerprint: acknowledge, do not enqueue), `conflict` (in flight with another fingerprint: refuse).
 *
 * Reply: { verdicts, state } or, when the request would open more gaps than the set may hold, { 'overflow', count }
 * with nothing changed.
 */
export const RECEIVE_SCRIPT = {
  numberOfKeys: SPACE_KEY_COUNT,
  lua: `${INTERVAL_SET_LUA}${SPACE_KEYS_LUA}${STATE_REPLY_LUA}
local now, maxIntervals = tonumber(ARGV[1]), tonumber(ARGV[2])
local keyLifetimeMs, refreshEveryMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local items = {}
for argIndex = 5, #ARGV, 2 do
  table.insert(items, { seq = tonumber(ARGV[argIndex]), fingerprint = ARGV[argIndex + 1] })
end

-- Every seq received or stored is at most 'high' (both scripts that add seqs raise it), so a seq above it needs no
-- lookup: the common case of a producer sending its next seqs costs no per-seq Redis call.
local stateFields = redis.call('HMGET', stateKey, 'high', 'refreshed')
local high = tonumber(stateFields[1] or '0')
local refreshedAt = tonumber(stateFields[2] or '0')
local highBefore = high

-- Refuse, before changing anything, a request whose new seqs would open more intervals than allowed.
local unseen = {}
for _, item in ipairs(items) do
  if item.seq > highBefore or not holds(receivedKey, item.seq) then table.insert(unseen, item.seq) end
end
-- Sorts seqs and calls visit(first, last) for each run of consecutive ones.
local function forEachRun(seqs, visit)
  table.sort(seqs)
  local runStart = nil
  for position, seq in ipairs(seqs) do
    runStart = runStart or seq
    local nextSeq = seqs[position + 1]
    if not nextSeq or nextSeq > seq + 1 then
      visit(runStart, seq)
      runStart = nil
    end
  end
end

local opened = 0
forEachRun(unseen, function(first, last)
  if not holds(receivedKey, first - 1) and not holds(receivedKey, last + 1) then opened = opened + 1 end
end)
if opened > 0 then
  local intervalCount = redis.call('ZCARD', receivedKey)
  if intervalCount + opened > maxIntervals then return { 'overflow', intervalCount } end
end

local function awaitedAgain(seq)
  local covering = redis.call('ZREVRANGEBYSCORE', replayKey, seqText(seq), '-inf', 'LIMIT', 0, 1)[1]
  if covering then
    local _, coveringTo = parseInterval(covering)
    if seq <= coveringTo then return true end
  end
  return holds(lostKey, seq)
end

local verdicts, enqueued, seenInRequest, fresh, fingerprintFields = {}, {}, {}, {}, {}
local retook = false
for index, item in ipairs(items) do
  local seq, fingerprint = item.seq, item.fingerprint
  local field = seqText(seq)
  local verdict
  if seenInRequest[field] then
    if seenInRequest[field] == fingerprint then verdict = 'duplicate' else verdict = 'conflict' end
  elseif seq <= highBefore and holds(persistedKey, seq) then
    verdict = 'verify'
  elseif seq <= highBefore and holds(receivedKey, seq) then
    local known = redis.call('HGET', fingerprintsKey, field)
    if awaitedAgain(seq) and not holds(retakenKey, seq) then
      verdict = 'resent'
      retook = true
      addInterval(retakenKey, seq, seq)
    elseif not known then verdict = 'verify'
    elseif known == fingerprint then verdict = 'duplicate'
    else verdict = 'conflict' end
  else
    verdict = 'new'
    table.insert(fresh, seq)
    if seq > high then high = seq end
  end
  if verdict == 'new' or verdict == 'resent' then
    table.insert(fingerprintFields, field)
    table.insert(fingerprintFields, fingerprint)
  end
  if verdict == 'new' or verdict == 'resent' or verdict == 'verify' then table.insert(enqueued, seq) end
  if not seenInRequest[field] then seenInRequest[field] = fingerprint end
  verdicts[index] = verdict
end

-- Later items never look these up (a repeat within the call is caught by seenInRequest), so the new seqs are added
-- as runs, and the fingerprints in one HSET per 500, after the loop.
forEachRun(fresh, function(first, last) addInterval(receivedKey, first, last, first > highBefore) end)
for first = 1, #fingerprintFields, 1000 do
  redis.call('HSET', fingerprintsKey, unpack(fingerprintFields, first, math.min(first + 999, #fingerprintFields)))
end

-- One in-flight record per run of enqueued seqs: the replay watcher finds runs that were never stored.
forEachRun(enqueued, function(first, last) redis.call('ZADD', inflightKey, now, intervalMember(first, last)) end)

local renewAll = now - refreshedAt >= refreshEveryMs
local stateUpdate = { 'high', seqText(high), 'touched', now }
if renewAll then table.insert(stateUpdate, 'refreshed'); table.insert(stateUpdate, now) end
redis.call('HSET', stateKey, unpack(stateUpdate))
if renewAll then
  refreshExpiry(keyLifetimeMs)
else
  local written = { stateKey }
  if #fresh > 0 then table.insert(written, receivedKey) end
  if #fingerprintFields > 0 then table.insert(written, fingerprintsKey) end
  if #enqueued > 0 then table.insert(written, inflightKey) end
  if retook then table.insert(written, retakenKey) end
  refreshWritten(keyLifetimeMs, written)
end
return { verdicts, stateReply(high) }
`,
};
