package io.jadugar.jcache.store.redis;

/**
 * The Lua scripts that make each write atomic on the Redis server, and publish the change from the
 * same script so that no other JVM can see the write without its event.
 *
 * <p>A stored value is an 8-byte version, the 8-byte big-endian expiry time (epoch ms) and the
 * frame. Every script takes {@code KEYS[1]} = the entry's key and {@code ARGV[1]} = the channel
 * (empty: publish nothing), {@code ARGV[2]} = the writer's origin id, {@code ARGV[3]} = the
 * writer's clock (epoch ms); then its own arguments. A change message is origin, a type letter
 * ({@code C}reated, {@code U}pdated, {@code R}emoved, {@code E}xpired) and three length-prefixed
 * fields: key, value (the removed value for R/E), old value. A putAll of several keys sends one
 * {@code P} message instead (see {@link #PUT}).
 *
 * <p>Another program's list, hash, set, sorted set or stream under a cache's key is foreign data: a
 * corrupt entry that every write replaces. {@code GET} and {@code SET ... GET} fail on it
 * (WRONGTYPE), so the scripts read with {@code redis.pcall} and take that error for "foreign";
 * the store reads such a key as an entry whose version is {@link #FOREIGN}, which the
 * compare-and-set scripts match against the foreign value. No change message is published for it:
 * it was never an entry.
 */
final class RedisScripts {

  private RedisScripts() {}

  /**
   * The version of foreign data: 9 bytes, so that no stored string's version (its first 8 bytes)
   * can ever equal it.
   */
  static final String FOREIGN = "WRONGTYPE";

  private static final String COMMON = String.join("\n",
      "local function expat(s)",
      "  if #s < 16 then return 0 end",
      "  local h, l = struct.unpack('>I4I4', string.sub(s, 9, 16))",
      "  return h * 4294967296 + l",
      "end",
      "local function pub(t, v, o)",
      "  if ARGV[1] ~= '' then",
      "    redis.call('PUBLISH', ARGV[1], ARGV[2] .. t .. struct.pack('>I4', #KEYS[1]) .. KEYS[1]",
      "      .. struct.pack('>I4', #v) .. v .. struct.pack('>I4', #o) .. o)",
      "  end",
      "end",
      "local function write(v, pxat)",
      "  if pxat == '0' then redis.call('SET', KEYS[1], v)",
      "  else redis.call('SET', KEYS[1], v, 'PXAT', pxat) end",
      "end",
      "local function read()",
      "  local v = redis.pcall('GET', KEYS[1])",
      "  if type(v) == 'table' and v.err then",
      "    if string.sub(v.err, 1, 9) == 'WRONGTYPE' then return false, true end",
      "    return error(v)",
      "  end",
      "  return v, false",
      "end",
      "local now = tonumber(ARGV[3])",
      "");

  /**
   * Unconditional write of every key: KEYS[i] gets value ARGV[2i+2] with PXAT ARGV[2i+3] (or 0).
   * One call serves a put (one key) and a whole putAll on a single server. With no channel, plain
   * SETs. For one key, {@code SET ... GET} hands back the replaced value in the same command and
   * the change goes out as one message. For several, one MGET reads every replaced value, one MSET
   * (or a SET PXAT each, for entries that expire) writes, and one message ({@code P}) carries them
   * all: the writer's ARGV[2n+4] (origin, P, its clock, the count, then each key and new value,
   * length-prefixed) followed by the replaced values as a MessagePack array (false where absent);
   * a redis.call and a string built per key cost more than the writes themselves.
   */
  static final String PUT = String.join("\n",
      "local ch, n = ARGV[1], #KEYS",
      "if ch == '' then",
      "  for i = 1, n do",
      "    local k, v, px = KEYS[i], ARGV[2 * i + 2], ARGV[2 * i + 3]",
      "    if px == '0' then redis.call('SET', k, v) else redis.call('SET', k, v, 'PXAT', px) end",
      "  end",
      "elseif n == 1 then",
      "  local k, v, px = KEYS[1], ARGV[4], ARGV[5]",
      "  local old",
      "  if px == '0' then old = redis.pcall('SET', k, v, 'GET')",
      "  else old = redis.pcall('SET', k, v, 'PXAT', px, 'GET') end",
      "  if type(old) == 'table' and old.err then",
      "    if string.sub(old.err, 1, 9) ~= 'WRONGTYPE' then return error(old) end",
      "    -- foreign data: SET ... GET refused it, a plain SET replaces it (a create)",
      "    if px == '0' then redis.call('SET', k, v) else redis.call('SET', k, v, 'PXAT', px) end",
      "    old = false",
      "  end",
      "  local t, o = 'C', ''",
      "  if old and #old >= 16 then",
      "    local h, l = struct.unpack('>I4I4', string.sub(old, 9, 16))",
      "    if h * 4294967296 + l > tonumber(ARGV[3]) then t, o = 'U', string.sub(old, 17) end",
      "  end",
      "  local nv = string.sub(v, 17)",
      "  redis.call('PUBLISH', ch, ARGV[2] .. t .. struct.pack('>I4', #k) .. k",
      "    .. struct.pack('>I4', #nv) .. nv .. struct.pack('>I4', #o) .. o)",
      "else",
      "  local olds = redis.call('MGET', unpack(KEYS))",
      "  local eternal = true",
      "  for i = 1, n do",
      "    if ARGV[2 * i + 3] ~= '0' then eternal = false; break end",
      "  end",
      "  if eternal then",
      "    local kv = {}",
      "    for i = 1, n do kv[2 * i - 1] = KEYS[i]; kv[2 * i] = ARGV[2 * i + 2] end",
      "    redis.call('MSET', unpack(kv))",
      "  else",
      "    for i = 1, n do",
      "      local px = ARGV[2 * i + 3]",
      "      if px == '0' then redis.call('SET', KEYS[i], ARGV[2 * i + 2])",
      "      else redis.call('SET', KEYS[i], ARGV[2 * i + 2], 'PXAT', px) end",
      "    end",
      "  end",
      "  redis.call('PUBLISH', ch, ARGV[2 * n + 4] .. cmsgpack.pack(olds))",
      "end",
      "return n");

  /**
   * The script of {@code Store.putRecorded} around {@code record}, a writer record's script: both run
   * as local functions that see their own {@code KEYS} and {@code ARGV}. {@code KEYS[1]} is the
   * entry's key, {@code KEYS[2]} its lock key, then the record's keys; {@code ARGV[1]} the count of
   * {@link #PUT}'s arguments that follow (for one key), then the record's. Returns {0} if the lock is
   * held, {1} if the record declined (answered false), else {2, the record's reply}; the record runs
   * before the write, so an error in the write cannot leave the entry without its record.
   */
  static String recorded(String record) {
    return String.join("\n",
        "local function put(KEYS, ARGV)",
        PUT,
        "end",
        "local function record(KEYS, ARGV)",
        record,
        "end",
        "if redis.call('EXISTS', KEYS[2]) == 1 then return {0} end",
        "local np = tonumber(ARGV[1])",
        "local pa, rk, ra = {}, {}, {}",
        "for i = 2, np + 1 do pa[#pa + 1] = ARGV[i] end",
        "for i = np + 2, #ARGV do ra[#ra + 1] = ARGV[i] end",
        "for i = 3, #KEYS do rk[#rk + 1] = KEYS[i] end",
        "local r = record(rk, ra)",
        "if not r then return {1} end",
        "put({KEYS[1]}, pa)",
        "return {2, r}");
  }

  /** Write only if absent (or foreign data, which the write replaces). ARGV[4] value, ARGV[5] PXAT or 0. */
  static final String INSERT = COMMON + String.join("\n",
      "local t = redis.call('TYPE', KEYS[1]).ok",
      "if t == 'string' then return 0 end",
      "write(ARGV[4], ARGV[5])",
      "pub('C', string.sub(ARGV[4], 17), '')",
      "return 1");

  /** Write only if the version holds. ARGV[4] value, ARGV[5] PXAT or 0, ARGV[6] version, ARGV[7] 1 = expiry only, no event. */
  static final String REPLACE = COMMON + String.join("\n",
      "local old, foreign = read()",
      "if foreign then",
      "  if ARGV[6] ~= '" + FOREIGN + "' then return 0 end",
      "  write(ARGV[4], ARGV[5])",
      "  if ARGV[7] ~= '1' then pub('C', string.sub(ARGV[4], 17), '') end",
      "  return 1",
      "end",
      "if not old or string.sub(old, 1, 8) ~= ARGV[6] then return 0 end",
      "write(ARGV[4], ARGV[5])",
      "if ARGV[7] ~= '1' then",
      "  if expat(old) > now then pub('U', string.sub(ARGV[4], 17), string.sub(old, 17))",
      "  else pub('C', string.sub(ARGV[4], 17), '') end",
      "end",
      "return 1");

  /** Delete only if the version holds. ARGV[4] version. */
  static final String REMOVE_EXPECTED = COMMON + String.join("\n",
      "local old, foreign = read()",
      "if foreign then",
      "  if ARGV[4] ~= '" + FOREIGN + "' then return 0 end",
      "  redis.call('DEL', KEYS[1])",
      "  return 1",
      "end",
      "if not old or string.sub(old, 1, 8) ~= ARGV[4] then return 0 end",
      "redis.call('DEL', KEYS[1])",
      "if expat(old) > now then pub('R', string.sub(old, 17), '') else pub('E', string.sub(old, 17), '') end",
      "return 1");

  /** Delete; returns the stored value, or nil when there was none (or foreign data, deleted all the same). */
  static final String REMOVE = COMMON + String.join("\n",
      "local old, foreign = read()",
      "if foreign then redis.call('DEL', KEYS[1]) end",
      "if not old then return false end",
      "redis.call('DEL', KEYS[1])",
      "if expat(old) > now then pub('R', string.sub(old, 17), '') else pub('E', string.sub(old, 17), '') end",
      "return old");

  /** Whether KEYS[1] holds foreign data (neither a string nor absent): 1 or 0. */
  static final String IS_FOREIGN = String.join("\n",
      "local t = redis.call('TYPE', KEYS[1]).ok",
      "if t == 'string' or t == 'none' then return 0 end",
      "return 1");

  /**
   * A read of an entry and of the entries its metadata lists, in one call. {@code KEYS[1]} = the
   * entry's key, {@code ARGV[1]} = the metadata name whose value lists names (one per line), {@code
   * ARGV[2]} = the Redis key of a name but the name (namespace and key prefix). Returns nothing for
   * foreign data; else the stored value ({@code nil} if absent) then, for each listed name, the name
   * and the stored value of its key ({@code nil} if absent or foreign). The frame is parsed as {@code
   * Frame} writes it: a value that does not parse lists nothing, and the reader decides as it would
   * without this script. Reads only; single server (the listed keys are in other slots).
   */
  static final String GET_ALONG = String.join("\n",
      "local ok, raw = pcall(redis.call, 'GET', KEYS[1])",
      "if not ok then return {} end",
      "if not raw then return {false} end",
      "local out = {raw}",
      "local n = #raw",
      // 8 version + 8 expiry, then the frame: magic, version, serializer, compressor, flags, checksum
      "if n < 25 or string.byte(raw, 17) ~= 167 then return out end",
      "local flags = string.byte(raw, 21)",
      "if math.floor(flags / 16) % 2 == 0 then return out end",
      "local p = 26",
      "local function int(at)",
      "  if at + 3 > n then return -1 end",
      "  local a, b, c, d = string.byte(raw, at, at + 3)",
      "  if a > 127 then return -1 end",
      "  return ((a * 256 + b) * 256 + c) * 256 + d",
      "end",
      "if flags % 2 == 1 then p = p + 8 end",
      "if math.floor(flags / 8) % 2 == 1 then",
      "  local k = int(p)",
      "  if k < 0 then return out end",
      "  p = p + 4 + k",
      "end",
      "local len = int(p)",
      "if len < 12 or p + 3 + len > n then return out end",
      "local stop = p + 3 + len",
      "p = p + 12",
      "local count = int(p)",
      "p = p + 4",
      "local list",
      "for i = 1, count do",
      "  local nl = int(p)",
      "  if nl < 0 or p + 3 + nl > stop then return out end",
      "  local name = string.sub(raw, p + 4, p + 3 + nl)",
      "  p = p + 4 + nl",
      "  local vl = int(p)",
      "  if vl < 0 or p + 3 + vl > stop then return out end",
      "  if name == ARGV[1] then",
      "    list = string.sub(raw, p + 4, p + 3 + vl)",
      "    break",
      "  end",
      "  p = p + 4 + vl",
      "end",
      "if not list then return out end",
      "for name in string.gmatch(list, '[^\\n]+') do",
      "  local got, rec = pcall(redis.call, 'GET', ARGV[2] .. name)",
      "  out[#out + 1] = name",
      "  out[#out + 1] = got and rec or false",
      "end",
      "return out");
}
