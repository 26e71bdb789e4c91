/**
 * Adds per-second counts to the pipeline's one counters hash and drops the seconds that left the kept window, so the
 * hash holds at most `keep` seconds of fields and the deployment keeps one key for its rates, however long it runs.
 * Fields are `<second>:<name>` (`1795422414:accepted`, `1795422414:lat:49`).
 *
 * KEYS[1] the counters hash.
 * ARGV[1] now (s), ARGV[2] seconds kept, ARGV[3..] triples of (second, name, n).
 * Reply: nothing.
 */
export const ADD_COUNTS_SCRIPT = {
  numberOfKeys: 1,
  lua: `
local countersKey = KEYS[1]
local oldestKept = tonumber(ARGV[1]) - tonumber(ARGV[2])
for argIndex = 3, #ARGV, 3 do
  if tonumber(ARGV[argIndex]) >= oldestKept then
    redis.call('HINCRBY', countersKey, ARGV[argIndex] .. ':' .. ARGV[argIndex + 1], ARGV[argIndex + 2])
  end
end
local expired = {}
for _, field in ipairs(redis.call('HKEYS', countersKey)) do
  local second = tonumber(string.match(field, '^(%d+):'))
  if second == nil or second < oldestKept then table.insert(expired, field) end
  if #expired == 500 then
    redis.call('HDEL', countersKey, unpack(expired))
    expired = {}
  end
end
if #expired > 0 then redis.call('HDEL', countersKey, unpack(expired)) end
redis.call('PEXPIRE', countersKey, tonumber(ARGV[2]) * 1000)
return false
`,
};
