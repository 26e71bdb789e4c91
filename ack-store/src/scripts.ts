/**
 * Lua scripts over one stream's keys. KEYS: 1 hash {recv, pers, high}, 2 zset of received seqs above recv,
 * 3 zset of persisted seqs above pers, 4 zset seq → receive time of seqs received and not yet persisted,
 * 5 zset of open replay ranges (score = from, member = "from-to"), 6 set of all streams.
 * Every script returns the stream's state as {recv, pers, high, missing (flat pairs), replay (members)} after its
 * changes, so one round trip both updates and reports.
 */
const PRELUDE = `
local h, r, p, rt, rp, streams = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local stream, now, maxTracked = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local recv = tonumber(redis.call('HGET', h, 'recv') or '0')
local pers = tonumber(redis.call('HGET', h, 'pers') or '0')
local high = tonumber(redis.call('HGET', h, 'high') or '0')

local function advance(set, mark)
  while redis.call('ZSCORE', set, tostring(mark + 1)) do
    redis.call('ZREM', set, tostring(mark + 1))
    mark = mark + 1
  end
  return mark
end

-- Bounded memory: past maxTracked sparse seqs, the oldest gap is given up (its replay, if any, expires).
local function bound(set, mark)
  if redis.call('ZCARD', set) > maxTracked then
    local lowest = tonumber(redis.call('ZRANGE', set, 0, 0)[1])
    mark = advance(set, lowest - 1)
  end
  return mark
end

local function state()
  local missing = {}
  local prev = recv
  local seqs = redis.call('ZRANGE', r, 0, 999)
  for _, member in ipairs(seqs) do
    local s = tonumber(member)
    if s > prev + 1 and #missing < 100 then
      table.insert(missing, prev + 1)
      table.insert(missing, s - 1)
    end
    prev = s
  end
  return { recv, pers, high, missing, redis.call('ZRANGE', rp, 0, 49) }
end
`;

/** Marks seqs received; returns {accepted seqs, state}. A seq already stored is dropped; one in flight too,
 * unless an open replay range covers it (the earlier copy was lost). */
export const RECEIVE = `${PRELUDE}
redis.call('SADD', streams, stream)
local accepted = {}
for i = 4, #ARGV do
  local member = ARGV[i]
  local seq = tonumber(member)
  if seq <= pers or redis.call('ZSCORE', p, member) then
    -- already stored: acknowledged again, not stored twice
  elseif seq <= recv or redis.call('ZSCORE', r, member) then
    local covering = redis.call('ZREVRANGEBYSCORE', rp, seq, '-inf', 'LIMIT', 0, 1)[1]
    if covering and seq <= tonumber(string.sub(covering, string.find(covering, '-') + 1)) then
      table.insert(accepted, member)
      redis.call('ZADD', rt, now, member)
    end
  else
    redis.call('ZADD', r, seq, member)
    redis.call('ZADD', rt, now, member)
    table.insert(accepted, member)
    if seq > high then high = seq end
  end
end
recv = bound(r, advance(r, recv))
redis.call('HSET', h, 'recv', recv, 'pers', pers, 'high', high, 'touched', now)
return { accepted, state() }
`;

/** Marks seqs durably stored (which implies received: this also rebuilds state Redis lost). Returns {state}. */
export const PERSIST = `${PRELUDE}
redis.call('SADD', streams, stream)
for i = 4, #ARGV do
  local member = ARGV[i]
  local seq = tonumber(member)
  redis.call('ZREM', rt, member)
  if seq > pers then redis.call('ZADD', p, seq, member) end
  if seq > recv then redis.call('ZADD', r, seq, member) end
  if seq > high then high = seq end
end
recv = bound(r, advance(r, recv))
pers = bound(p, advance(p, pers))
if pers > recv then recv = pers end
redis.call('HSET', h, 'recv', recv, 'pers', pers, 'high', high, 'touched', now)
return { {}, state() }
`;

/** Reads the state without changing it. */
export const READ = `${PRELUDE}
return { {}, state() }
`;
