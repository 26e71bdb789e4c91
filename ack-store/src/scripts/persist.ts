import { INTERVAL_SET_LUA } from './interval-set';
import { SPACE_KEY_COUNT, SPACE_KEYS_LUA } from './space-keys-lua';
import { STATE_REPLY_LUA } from './state-reply';

/**
 * Marks ranges of seqs durably stored in a sequence space. Stored implies received, so this also rebuilds state that
 * Redis lost (the worker's marks after a restart, the replay watcher's database checks). A stored range is no longer
 * lost, no longer awaited again, and its fingerprints are no longer needed.
 *
 * KEYS: the space's keys (see space-keys-lua.ts).
 * ARGV[1] now (ms), ARGV[2] key lifetime after a change (ms), ARGV[3..] pairs of (from, to).
 * Reply: { {}, state }.
 */
export const PERSIST_SCRIPT = {
  numberOfKeys: SPACE_KEY_COUNT,
  lua: `${INTERVAL_SET_LUA}${SPACE_KEYS_LUA}${STATE_REPLY_LUA}
local now, keyLifetimeMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local high = tonumber(redis.call('HGET', stateKey, 'high') or '0')
local anyLost = redis.call('EXISTS', lostKey) == 1
local anyRetaken = redis.call('EXISTS', retakenKey) == 1
for argIndex = 3, #ARGV, 2 do
  local from, to = tonumber(ARGV[argIndex]), tonumber(ARGV[argIndex + 1])
  addInterval(persistedKey, from, to)
  addInterval(receivedKey, from, to)
  if anyLost then removeInterval(lostKey, from, to) end
  if anyRetaken then removeInterval(retakenKey, from, to) end
  local fields = {}
  for seq = from, to do
    table.insert(fields, seqText(seq))
    if #fields == 500 then
      redis.call('HDEL', fingerprintsKey, unpack(fields))
      fields = {}
    end
  end
  if #fields > 0 then redis.call('HDEL', fingerprintsKey, unpack(fields)) end
  if to > high then high = to end
end
redis.call('HSET', stateKey, 'high', seqText(high), 'touched', now)
refreshExpiry(keyLifetimeMs)
return { {}, stateReply() }
`,
};
