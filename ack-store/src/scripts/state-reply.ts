/**
 * Lua that builds a sequence space's ACK state after a script's changes, so that one round trip both updates and
 * reports. Needs the interval-set helpers and the locals `stateKey`, `receivedKey`, `persistedKey`, `replayKey` and
 * `lostKey`. The reply: { ackTill, persistedTill, highestSeq, missing (flat pairs), persisted above the watermark
 * (flat pairs), open replay members, lost (flat pairs) }. A script that knows the space's highest seq passes it, which
 * saves a read.
 */
export const STATE_REPLY_LUA = `
local function stateReply(knownHigh)
  local received = firstIntervals(receivedKey, 100)
  local persisted = firstIntervals(persistedKey, 100)
  return {
    watermarkIn(received),
    watermarkIn(persisted),
    knownHigh or tonumber(redis.call('HGET', stateKey, 'high') or '0'),
    gapsIn(received, 100),
    intervalsIn(persisted, 100, true),
    redis.call('ZRANGE', replayKey, 0, 49),
    intervalsIn(firstIntervals(lostKey, 50), 50, false),
  }
end
`;
