import { INTERVAL_SET_LUA } from './interval-set';
import { SPACE_KEY_COUNT, SPACE_KEYS_LUA } from './space-keys-lua';

/**
 * Removes ranges from the set of seqs taken again for a replay: their copy was lost as well, so the next one is taken.
 *
 * KEYS: the space's keys (see space-keys-lua.ts). ARGV: pairs of (from, to). Reply: nothing.
 */
export const FORGET_RETAKEN_SCRIPT = {
  numberOfKeys: SPACE_KEY_COUNT,
  lua: `${INTERVAL_SET_LUA}${SPACE_KEYS_LUA}
for argIndex = 1, #ARGV, 2 do
  removeInterval(retakenKey, tonumber(ARGV[argIndex]), tonumber(ARGV[argIndex + 1]))
end
return false
`,
};
