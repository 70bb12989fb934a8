package io.jadugar.extensions.writeback;

import io.jadugar.jcache.spi.WriterRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/** The journal on Redis behind {@link RedisJournal}: the scripts and their replies. */
final class RedisScriptJournal implements Journal {

  /** The journal's keys, in the order the scripts name them. */
  private static final List<String> PARTS = List.of("seq", "val", "ver", "at", "att", "nsince", "nat", "since", "wait",
      "delay", "flight", "fown", "dval", "dver", "datt", "derr", "dat", "id");

  private static final String PRELUDE = """
      local SEQ, VAL, VER, AT, ATT, NSINCE, NAT, SINCE, WAIT, DELAY, FLIGHT, FOWN, DVAL, DVER, DATT, DERR, DAT = unpack(KEYS)
      local clock = redis.call('TIME')
      local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
      -- a Lua number given to redis.call becomes text with 14 digits (%.14g): versions have 16
      local function int(n) return string.format('%d', n) end
      local function forget(k)
        redis.call('HDEL', VAL, k); redis.call('HDEL', VER, k); redis.call('HDEL', AT, k); redis.call('HDEL', ATT, k)
        redis.call('HDEL', NSINCE, k); redis.call('HDEL', NAT, k)
        redis.call('ZREM', SINCE, k); redis.call('ZREM', WAIT, k); redis.call('ZREM', DELAY, k)
      end
      local function toNewer(k)
        local ns = redis.call('HGET', NSINCE, k)
        if not ns then return end
        redis.call('ZADD', SINCE, ns, k); redis.call('HSET', AT, k, redis.call('HGET', NAT, k)); redis.call('HSET', ATT, k, 0)
        redis.call('HDEL', NSINCE, k); redis.call('HDEL', NAT, k)
      end
      local function land(k, owner)
        if redis.call('HGET', FOWN, k) ~= owner then return false end
        redis.call('ZREM', FLIGHT, k); redis.call('HDEL', FOWN, k)
        return true
      end
      local function dropDead(k)
        redis.call('HDEL', DVAL, k); redis.call('HDEL', DVER, k); redis.call('HDEL', DATT, k); redis.call('HDEL', DERR, k)
        redis.call('ZREM', DAT, k)
      end
      local function enqueue(k, payload, now)
        -- a journal Redis lost starts again from its clock (ms x 1000), never from 1: a writer that keeps
        -- versions would take the new changes for older ones
        if redis.call('EXISTS', SEQ) == 0 then redis.call('SET', SEQ, int(NOW * 1000)) end
        local v = redis.call('INCR', SEQ)
        if not redis.call('ZSCORE', SINCE, k) then
          redis.call('ZADD', SINCE, int(v), k); redis.call('HSET', AT, k, int(now)); redis.call('HSET', ATT, k, 0)
          redis.call('ZADD', WAIT, int(now), k)
        elseif redis.call('ZSCORE', FLIGHT, k) and redis.call('HEXISTS', NSINCE, k) == 0 then
          redis.call('HSET', NSINCE, k, int(v)); redis.call('HSET', NAT, k, int(now))
        end
        redis.call('HSET', VAL, k, payload); redis.call('HSET', VER, k, int(v))
        return v
      end
      """;

  private static final String APPEND = PRELUDE + """
      for i = 1, #ARGV, 2 do enqueue(ARGV[i], ARGV[i + 1], NOW) end
      return redis.call('ZCARD', WAIT)
      """;

  /**
   * {@link #APPEND} of one change, as a record a cache's store makes with the entry's write: only if
   * the journal's id (KEYS[18]) is ARGV[3], which tells this Redis from another that has a journal of
   * the same name; else false (declined).
   */
  private static final String RECORD = PRELUDE + """
      if redis.call('GET', KEYS[18]) ~= ARGV[3] then return false end
      enqueue(ARGV[1], ARGV[2], NOW)
      return redis.call('ZCARD', WAIT)
      """;

  /** The journal's id: made once per Redis (ARGV[1] unless one is there), answered. */
  private static final String ID = """
      redis.call('SET', KEYS[18], ARGV[1], 'NX')
      return redis.call('GET', KEYS[18])
      """;

  /** How long a journal whose records a store declined offers none again. */
  private static final long ELSEWHERE_MILLIS = 60_000;

  private static final String CLAIM = PRELUDE + """
      local now = NOW; local max = tonumber(ARGV[2])
      for _, k in ipairs(redis.call('ZRANGEBYSCORE', FLIGHT, '-inf', int(now))) do
        redis.call('ZREM', FLIGHT, k); redis.call('HDEL', FOWN, k); toNewer(k)
        redis.call('ZADD', WAIT, redis.call('HGET', AT, k), k)
      end
      for _, k in ipairs(redis.call('ZRANGEBYSCORE', DELAY, '-inf', int(now))) do
        redis.call('ZREM', DELAY, k); redis.call('ZADD', WAIT, redis.call('HGET', AT, k), k)
      end
      local n = redis.call('ZCARD', WAIT)
      if n == 0 then return {} end
      local first = redis.call('ZRANGE', WAIT, 0, 0, 'WITHSCORES')
      if ARGV[4] ~= '1' and n < max and now - tonumber(first[2]) < tonumber(ARGV[3]) then return {} end
      local out = {}
      for _, k in ipairs(redis.call('ZRANGE', WAIT, 0, max - 1)) do
        redis.call('ZREM', WAIT, k); redis.call('ZADD', FLIGHT, int(now + tonumber(ARGV[5])), k); redis.call('HSET', FOWN, k, ARGV[6])
        out[#out + 1] = k; out[#out + 1] = redis.call('HGET', VAL, k)
        out[#out + 1] = redis.call('HGET', VER, k); out[#out + 1] = redis.call('HGET', ATT, k)
      end
      return out
      """;

  private static final String DONE = PRELUDE + """
      local owner = ARGV[1]; local settled = 0
      for i = 2, #ARGV, 2 do
        local k = ARGV[i]; local v = tonumber(ARGV[i + 1])
        if land(k, owner) then
          settled = settled + 1
          local dv = redis.call('HGET', DVER, k)
          if dv and tonumber(dv) < v then dropDead(k) end
          if tonumber(redis.call('HGET', VER, k)) == v then forget(k)
          else toNewer(k); redis.call('ZADD', WAIT, redis.call('HGET', AT, k), k) end
        end
      end
      return settled
      """;

  private static final String RETRY = PRELUDE + """
      local k = ARGV[1]; local v = tonumber(ARGV[2])
      if not land(k, ARGV[3]) then return 0 end
      if tonumber(redis.call('HGET', VER, k)) == v then redis.call('HSET', ATT, k, ARGV[4]) else toNewer(k) end
      redis.call('ZADD', DELAY, int(NOW + tonumber(ARGV[5])), k)
      return 1
      """;

  private static final String DEAD = PRELUDE + """
      local k = ARGV[1]; local v = tonumber(ARGV[2])
      if not land(k, ARGV[3]) then return 0 end
      if tonumber(redis.call('HGET', VER, k)) == v then
        dropDead(k)
        redis.call('HSET', DVAL, k, redis.call('HGET', VAL, k)); redis.call('HSET', DVER, k, ARGV[2])
        redis.call('HSET', DATT, k, ARGV[4]); redis.call('HSET', DERR, k, ARGV[5]); redis.call('ZADD', DAT, int(NOW), k)
        forget(k)
        return 1
      end
      toNewer(k); redis.call('ZADD', WAIT, redis.call('HGET', AT, k), k)
      return 0
      """;

  private static final String NEXT_DUE = PRELUDE + """
      local next = nil
      local d = redis.call('ZRANGE', DELAY, 0, 0, 'WITHSCORES')
      if d[2] then next = tonumber(d[2]) end
      local w = redis.call('ZRANGE', WAIT, 0, 0, 'WITHSCORES')
      if w[2] and (not next or tonumber(w[2]) + tonumber(ARGV[1]) < next) then next = tonumber(w[2]) + tonumber(ARGV[1]) end
      local f = redis.call('ZRANGE', FLIGHT, 0, 0, 'WITHSCORES')
      if f[2] and (not next or tonumber(f[2]) < next) then next = tonumber(f[2]) end
      if not next then return '' end
      return string.format('%d', math.max(0, next - NOW))
      """;

  private static final String COUNTS = PRELUDE + """
      local oldest = '0'
      local s = redis.call('ZRANGE', SINCE, 0, 0)
      if s[1] then oldest = string.format('%d', math.max(0, NOW - tonumber(redis.call('HGET', AT, s[1])))) end
      local seq = redis.call('GET', SEQ) or '0'
      local settled = '1'
      if #redis.call('ZRANGEBYSCORE', SINCE, '-inf', ARGV[1], 'LIMIT', 0, 1) > 0 then settled = '0' end
      return {tostring(redis.call('ZCARD', SINCE)), tostring(redis.call('ZCARD', FLIGHT)), tostring(oldest),
        tostring(redis.call('HLEN', DVAL)), seq, settled}
      """;

  private static final String DEAD_LETTERS = PRELUDE + """
      local out = {}
      for _, k in ipairs(redis.call('ZRANGE', DAT, 0, -1, 'WITHSCORES')) do out[#out + 1] = k end
      local all = {}
      for i = 1, #out, 2 do
        local k = out[i]
        all[#all + 1] = k; all[#all + 1] = redis.call('HGET', DVAL, k); all[#all + 1] = redis.call('HGET', DVER, k)
        all[#all + 1] = redis.call('HGET', DATT, k); all[#all + 1] = redis.call('HGET', DERR, k); all[#all + 1] = out[i + 1]
      end
      return all
      """;

  private static final String REPLAY = PRELUDE + """
      local k = ARGV[1]
      local dv = redis.call('HGET', DVER, k)
      if not dv or tonumber(dv) ~= tonumber(ARGV[2]) then return 0 end
      local payload = redis.call('HGET', DVAL, k)
      dropDead(k)
      if ARGV[3] == '1' and not redis.call('ZSCORE', SINCE, k) then enqueue(k, payload, NOW) end
      return 1
      """;

  private final RScript script;
  private final String name;
  private final List<Object> keys;
  /** The journal's keys, as the scripts name them; {@link #keys} is the same list as Redisson takes it. */
  private final List<String> names;
  /** This journal's id in its Redis ({@link #ID}), read when a record first needs it. */
  private volatile byte[] id;
  /** Until when no record is offered: a store declined one, and the id read again was the same. */
  private volatile long elsewhereUntil;
  private final long leaseMillis;
  private final byte[] owner = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

  RedisScriptJournal(RedissonClient redisson, String name, Duration lease) {
    this.script = redisson.getScript(ByteArrayCodec.INSTANCE);
    this.name = name;
    this.leaseMillis = lease.toMillis();
    this.names = PARTS.stream().map(part -> "jadugar:write-back:{" + name + "}:" + part).toList();
    this.keys = List.copyOf(names);
  }

  private static byte[] b(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long n(Object reply) {
    return Long.parseLong(new String((byte[]) reply, StandardCharsets.US_ASCII));
  }

  private <R> R eval(String lua, RScript.ReturnType type, List<byte[]> args) {
    try {
      // routed by the first key: every key of the journal is in its slot
      return script.eval((String) keys.get(0), RScript.Mode.READ_WRITE, lua, type, keys, args.toArray());
    } catch (RuntimeException e) {
      throw new IllegalStateException("The write-back journal '" + name + "' on Redis failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long append(List<byte[]> keys, List<byte[]> values) {
    List<byte[]> args = new ArrayList<>(2 * keys.size());
    for (int i = 0; i < keys.size(); i++) {
      args.add(keys.get(i));
      args.add(payload(values.get(i)));
    }
    return (Long) eval(APPEND, RScript.ReturnType.LONG, args);
  }

  /** A change as the journal keeps it: D for a removal, else P and the value. */
  private static byte[] payload(byte[] v) {
    if (v == null) {
      return new byte[] {'D'};
    }
    byte[] payload = new byte[v.length + 1];
    payload[0] = 'P';
    System.arraycopy(v, 0, payload, 1, v.length);
    return payload;
  }

  @Override
  public WriterRecord record(byte[] key, byte[] value) {
    if (elsewhereUntil != 0 && System.currentTimeMillis() < elsewhereUntil) {
      return null;
    }
    byte[] known = id;
    if (known == null) {
      try {
        known = readId();
      } catch (RuntimeException e) {
        return null; // the journal's Redis is away: the cache's writer call will say so
      }
    }
    return new WriterRecord(RECORD, names, List.of(key, payload(value), known));
  }

  @Override
  public void declined(WriterRecord record) {
    byte[] used = record.args().get(2);
    try {
      if (Arrays.equals(used, readId())) {
        // the id the record carried is the journal's: the store that declined it is another Redis
        elsewhereUntil = System.currentTimeMillis() + ELSEWHERE_MILLIS;
      }
    } catch (RuntimeException e) {
      elsewhereUntil = System.currentTimeMillis() + ELSEWHERE_MILLIS;
    }
  }

  private byte[] readId() {
    byte[] read = eval(ID, RScript.ReturnType.VALUE,
        List.of(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII)));
    id = read;
    return read;
  }

  private static byte[] value(byte[] payload) {
    if (payload[0] == 'D') {
      return null;
    }
    byte[] v = new byte[payload.length - 1];
    System.arraycopy(payload, 1, v, 0, v.length);
    return v;
  }

  @Override
  public List<Change> claim(int max, long nowMillis, long maxDelayMillis, boolean force) {
    // ARGV[1] is not read: the script takes "now" from Redis's clock, as every time in the journal
    List<Object> reply = eval(CLAIM, RScript.ReturnType.LIST, List.of(b(nowMillis), b(max), b(maxDelayMillis),
        b(force ? "1" : "0"), b(leaseMillis), owner));
    List<Change> batch = new ArrayList<>(reply.size() / 4);
    for (int i = 0; i < reply.size(); i += 4) {
      batch.add(new Change((byte[]) reply.get(i), value((byte[]) reply.get(i + 1)), n(reply.get(i + 2)),
          (int) n(reply.get(i + 3))));
    }
    return batch;
  }

  @Override
  public void done(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<byte[]> args = new ArrayList<>(1 + 2 * changes.size());
    args.add(owner);
    for (Change c : changes) {
      args.add(c.key());
      args.add(b(c.version()));
    }
    eval(DONE, RScript.ReturnType.LONG, args);
  }

  @Override
  public void retry(Change change, int attempts, long dueMillis) {
    // the script adds the delay to Redis's clock: every JVM's times are Redis's, whatever their own clocks say
    long delay = Math.max(0, dueMillis - System.currentTimeMillis());
    eval(RETRY, RScript.ReturnType.LONG, List.of(change.key(), b(change.version()), owner, b(attempts), b(delay)));
  }

  @Override
  public void dead(Change change, int attempts, String error) {
    eval(DEAD, RScript.ReturnType.LONG, List.of(change.key(), b(change.version()), owner, b(attempts), b(error)));
  }

  @Override
  public long nextDueMillis(long maxDelayMillis) {
    Object reply = eval(NEXT_DUE, RScript.ReturnType.VALUE, List.of(b(maxDelayMillis)));
    byte[] r = (byte[]) reply;
    return r == null || r.length == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + n(r);
  }

  private List<Object> counts(long mark) {
    return eval(COUNTS, RScript.ReturnType.LIST, List.of(b(mark)));
  }

  @Override
  public long mark() {
    return n(counts(0).get(4));
  }

  @Override
  public boolean settledUpTo(long mark) {
    return n(counts(mark).get(5)) == 1;
  }

  @Override
  public JournalCounts counts() {
    List<Object> r = counts(0);
    long pending = n(r.get(0));
    long oldest = pending == 0 ? 0 : System.currentTimeMillis() - n(r.get(2)); // the script gives the age
    return new JournalCounts(pending, n(r.get(1)), oldest, n(r.get(3)));
  }

  @Override
  public List<DeadRecord> deadLetters() {
    List<Object> r = eval(DEAD_LETTERS, RScript.ReturnType.LIST, List.of());
    List<DeadRecord> all = new ArrayList<>();
    for (int i = 0; i < r.size(); i += 6) {
      all.add(new DeadRecord((byte[]) r.get(i), value((byte[]) r.get(i + 1)), n(r.get(i + 2)), (int) n(r.get(i + 3)),
          new String((byte[]) r.get(i + 4), StandardCharsets.UTF_8), n(r.get(i + 5))));
    }
    return all;
  }

  @Override
  public boolean replay(byte[] key, long version) {
    return ((Long) eval(REPLAY, RScript.ReturnType.LONG,
        List.of(key, b(version), b("1")))) == 1;
  }

  @Override
  public boolean discard(byte[] key, long version) {
    return ((Long) eval(REPLAY, RScript.ReturnType.LONG, List.of(key, b(version), b("0")))) == 1;
  }

  @Override
  public String describe() {
    return "redis journal '" + name + "'";
  }

  /** Leaves the journal in Redis; the Redisson client is the caller's to shut down. */
  @Override
  public void close() {
    // nothing of ours to release
  }
}
