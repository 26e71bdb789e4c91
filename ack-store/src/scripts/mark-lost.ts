import { INTERVAL_SET_LUA } from './interval-set';
import { SPACE_KEY_COUNT, SPACE_KEYS_LUA } from './space-keys-lua';

/**
 * Gives up a range as lost (its replay request expired): closes the replay range and records what of it is not
 * stored in the lost set, so that it is reported, never counted as persisted, and taken again if it ever arrives.
 *
 * KEYS: the space's keys (see space-keys-lua.ts).
 * ARGV[1] from, ARGV[2] to, ARGV[3] key lifetime after a change (ms). Reply: the number of seqs marked lost.
 */
export const MARK_LOST_SCRIPT = {
  numberOfKeys: SPACE_KEY_COUNT,
  lua: `${INTERVAL_SET_LUA}${SPACE_KEYS_LUA}
local from, to, keyLifetimeMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREM', replayKey, intervalMember(from, to))
-- A copy taken for the replay and lost again must not block a later one.
removeInterval(retakenKey, from, to)
local marked, cursor = 0, from
while cursor <= to do
  local storedFrom, storedTo = intervalHolding(persistedKey, cursor)
  if storedFrom then
    cursor = storedTo + 1
  else
    local nextStored = redis.call('ZRANGEBYSCORE', persistedKey, '(' .. seqText(cursor), seqText(to), 'LIMIT', 0, 1)[1]
    local gapTo = to
    if nextStored then
      local nextFrom = parseInterval(nextStored)
      gapTo = nextFrom - 1
    end
    addInterval(lostKey, cursor, gapTo)
    marked = marked + gapTo - cursor + 1
    cursor = gapTo + 1
  end
end
refreshExpiry(keyLifetimeMs)
return marked
`,
};
