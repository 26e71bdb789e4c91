import { INTERVAL_SET_LUA } from './interval-set';
import { SPACE_KEY_COUNT, SPACE_KEYS_LUA } from './space-keys-lua';
import { STATE_REPLY_LUA } from './state-reply';

/**
 * Reads a sequence space's ACK state as one consistent snapshot, changing nothing.
 *
 * KEYS: the space's keys (see space-keys-lua.ts). ARGV: none. Reply: { {}, state }.
 */
export const READ_STATE_SCRIPT = {
  numberOfKeys: SPACE_KEY_COUNT,
  lua: `${INTERVAL_SET_LUA}${SPACE_KEYS_LUA}${STATE_REPLY_LUA}
return { {}, stateReply() }
`,
};
