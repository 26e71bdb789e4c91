/**
 * Lua helpers shared by the ACK scripts: a set of seqs kept as a sorted set of disjoint, non-adjacent intervals, each
 * a member `"from-to"` scored by `from`. Memory grows with the number of gaps, not the number of seqs, and a seq is
 * looked up with one ZREVRANGEBYSCORE. Seqs are formatted with `%.0f` because Lua's tostring switches to exponent
 * notation for large numbers.
 */
export const INTERVAL_SET_LUA = `
local function seqText(seq)
  return string.format('%.0f', seq)
end

local function intervalMember(from, to)
  return seqText(from) .. '-' .. seqText(to)
end

local function parseInterval(member)
  local dash = string.find(member, '-', 1, true)
  return tonumber(string.sub(member, 1, dash - 1)), tonumber(string.sub(member, dash + 1))
end

-- The interval of the set that holds seq: from, to; nil when no interval does.
local function intervalHolding(setKey, seq)
  local member = redis.call('ZREVRANGEBYSCORE', setKey, seqText(seq), '-inf', 'LIMIT', 0, 1)[1]
  if not member then return nil end
  local from, to = parseInterval(member)
  if to >= seq then return from, to end
  return nil
end

local function holds(setKey, seq)
  return intervalHolding(setKey, seq) ~= nil
end

-- Adds from..to, merging it with every interval it overlaps or touches. With nothingAbove the caller knows no
-- interval lies above 'to' (it adds past the highest seq of the set), which saves the lookup of those.
local function addInterval(setKey, from, to, nothingAbove)
  local below = redis.call('ZREVRANGEBYSCORE', setKey, seqText(from), '-inf', 'LIMIT', 0, 1)[1]
  if below then
    local belowFrom, belowTo = parseInterval(below)
    if belowTo >= to then return end
    if belowTo >= from - 1 then
      redis.call('ZREM', setKey, below)
      from = belowFrom
    end
  end
  if nothingAbove then
    redis.call('ZADD', setKey, seqText(from), intervalMember(from, to))
    return
  end
  local above = redis.call('ZRANGEBYSCORE', setKey, seqText(from), seqText(to + 1))
  for _, member in ipairs(above) do
    local _, aboveTo = parseInterval(member)
    if aboveTo > to then to = aboveTo end
    redis.call('ZREM', setKey, member)
  end
  redis.call('ZADD', setKey, seqText(from), intervalMember(from, to))
end

-- Removes from..to, keeping the parts of overlapping intervals outside it.
local function removeInterval(setKey, from, to)
  local overlapping = {}
  local below = redis.call('ZREVRANGEBYSCORE', setKey, seqText(from), '-inf', 'LIMIT', 0, 1)[1]
  if below then table.insert(overlapping, below) end
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', setKey, '(' .. seqText(from), seqText(to))) do
    table.insert(overlapping, member)
  end
  for _, member in ipairs(overlapping) do
    local memberFrom, memberTo = parseInterval(member)
    if memberTo >= from and memberFrom <= to then
      redis.call('ZREM', setKey, member)
      if memberFrom < from then redis.call('ZADD', setKey, seqText(memberFrom), intervalMember(memberFrom, from - 1)) end
      if memberTo > to then redis.call('ZADD', setKey, seqText(to + 1), intervalMember(to + 1, memberTo)) end
    end
  end
end

-- The first 'limit' + 1 intervals of the set, in seq order (one read serves the watermark and the listings below).
local function firstIntervals(setKey, limit)
  return redis.call('ZRANGE', setKey, 0, limit)
end

-- The end of the interval that starts at seq 1, or 0: every seq 1..watermark is in the set. 'members' is the start of
-- the set as firstIntervals reads it.
local function watermarkIn(members)
  if not members[1] then return 0 end
  local from, to = parseInterval(members[1])
  if from == 1 then return to end
  return 0
end

-- Up to 'limit' intervals of 'members' as a flat {from, to, from, to ...} list; with skipWatermark, not the one that
-- starts at seq 1.
local function intervalsIn(members, limit, skipWatermark)
  local flat = {}
  for _, member in ipairs(members) do
    local from, to = parseInterval(member)
    if (from > 1 or not skipWatermark) and #flat < limit * 2 then
      table.insert(flat, from)
      table.insert(flat, to)
    end
  end
  return flat
end

-- Gaps between the intervals of 'members', from seq 1 on (the first 'limit'), as a flat list.
local function gapsIn(members, limit)
  local flat = {}
  local previousTo = 0
  for _, member in ipairs(members) do
    local from, to = parseInterval(member)
    if from > previousTo + 1 and #flat < limit * 2 then
      table.insert(flat, previousTo + 1)
      table.insert(flat, from - 1)
    end
    previousTo = to
  end
  return flat
end
`;
