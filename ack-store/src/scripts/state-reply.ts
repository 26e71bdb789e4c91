/**
 * Lua that builds a sequence space's ACK state after a script's changes, so that one round trip both updates and
 * reports. Needs the interval-set helpers and the locals `stateKey`, `receivedKey`, `persistedKey`, `replayKey` and
 * `lostKey`. The reply: { ackTill, persistedTill, highestSeq, missing (flat pairs), persisted above the watermark
 * (flat pairs), open replay members, lost (flat pairs) }.
 */
export const STATE_REPLY_LUA = `
local function stateReply()
  return {
    watermarkOf(receivedKey),
    watermarkOf(persistedKey),
    tonumber(redis.call('HGET', stateKey, 'high') or '0'),
    gapsOf(receivedKey, 100),
    listIntervals(persistedKey, 100, true),
    redis.call('ZRANGE', replayKey, 0, 49),
    listIntervals(lostKey, 50, false),
  }
end
`;
