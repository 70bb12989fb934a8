package io.jadugar.jcache.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.codec.CodecSettings;
import io.jadugar.jcache.codec.Codecs;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.spi.StoreFactory.Representation;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/**
 * Write-through on Redis while the server is killed (SIGKILL) in the middle of the load and
 * restarted about a second later on the same port and directory, its append-only file fsynced on
 * every write, so that the file is exactly what Redis committed, in commit order. Two JVMs of 8
 * threads run {@link Workload#runUntil} on 10 keys through a cache whose writer logs every call with
 * the operation that made it ({@link LoggingWriter}); each JVM records which operations returned
 * normally (and whether they changed something) and which threw, with what.
 *
 * <p>The engine tells the writer before it commits to the store, so an operation that threw may
 * have told the writer of a change that Redis never committed: the database then holds a newer
 * state than the cache, a stale entry, until the next committed write of that key (or for good, if
 * none comes). And Redisson re-sends a command cut off by the kill once the server is back, so a
 * conditional write that had already run before the kill runs again, finds its own result, and the
 * operation returns "no change" of a change that was committed and written. This test measures both
 * (the commits read from the append-only file) and prints them, and asserts what the engine does
 * guarantee:
 *
 * <ol>
 *   <li>every writer call belongs to an operation that returned normally having changed something
 *       (exactly one call each), to one that threw (at most one call each), or to one that said "no
 *       change" of a change Redis did commit; per key, the calls lie between the changes confirmed
 *       and those plus the failed operations and such answers;
 *   <li>Redis committed nothing the writer did not hear first, and committed what it heard in the
 *       writer's order (commit order per key);
 *   <li>no change confirmed to its caller is missing from Redis after the restart;
 *   <li>the cache's final state is what Redis committed last; where it differs from replaying the
 *       writer's log, only operations that threw come after it in that log.
 * </ol>
 */
class WriterServerKilledTest {

  private static final int THREADS = 8;
  /**
   * The key locks' lease: longer than the outage plus a renewal period, so that no lease held across
   * the kill ends before its holder renews it on the restarted server (the renewals retry every
   * third of it). A lock whose release failed while the server was away ends with its lease.
   */
  private static final String LEASE = "5s";
  /** Writer calls each JVM makes before the kill, and both together after the restart. */
  private static final int BEFORE = 150;
  private static final int AFTER = 400;
  /** Kills per run: one by default; more (-Dwriter.kills=N) to measure rarer outcomes. */
  private static final int KILLS = Integer.getInteger("writer.kills", 1);
  /** How long the server stays away: about a second by default (-Dwriter.down-ms=N to vary it). */
  private static final int DOWN_MILLIS = Integer.getInteger("writer.down-ms", 1000);

  @Test
  void aRedisKilledMidRunLosesNoConfirmedChangeAndCommitsNothingTheWriterDidNotHear() throws Exception {
    try (RedisServer server = RedisServer.launch("--appendonly", "yes", "--appendfsync", "always",
        "--auto-aof-rewrite-percentage", "0")) {
      Path dir = Files.createTempDirectory("writer-killed-");
      Path log = dir.resolve("writer.log");
      Path mine = dir.resolve("outcomes-jvm1");
      Path theirs = dir.resolve("outcomes-jvm2");
      String cacheName = "killed-" + System.nanoTime();
      Properties settings = new Properties();
      settings.setProperty("jadugar.store", "redis");
      settings.setProperty("jadugar.redis.address", server.address());
      settings.setProperty("jadugar.redis.timeout", "1s");
      settings.setProperty("jadugar.redis.lock-lease", LEASE);
      Files.createFile(log);
      LoggingWriter.open(log, "jvm1");
      JadugarCachingProvider provider = new JadugarCachingProvider();
      Process other = null;
      AtomicBoolean stop = new AtomicBoolean();
      try {
        CacheManager manager = provider.getCacheManager(URI.create("jadugar:writer-killed"),
            getClass().getClassLoader(), settings);
        Cache<String, Integer> cache = manager.createCache(cacheName, WriterExactlyOnceTest.configuration());
        other = ChildJvm.builder(WriterFaultWorker.class, ChildJvm.withSettings(List.of("2", cacheName,
            log.toString(), theirs.toString(), String.valueOf(THREADS), "2"), settings))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = ChildJvm.output(other);
        assertNotNull(ChildJvm.readUntil(out, "ready").get(60, TimeUnit.SECONDS), "the other JVM is ready");
        Writer control = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
        send(control, "go");
        CompletableFuture<String> theirRun = ChildJvm.readUntil(out, "ran ");
        CompletableFuture<Long> myRun = CompletableFuture.supplyAsync(() -> {
          try {
            return Workload.runUntil(cache, 1, THREADS, 1, stop::get, mine);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
        awaitLog(log, 30, "both JVMs write", lines -> count(lines, " jvm1-") >= BEFORE && count(lines, " jvm2-") >= BEFORE);
        List<String> kills = new ArrayList<>();
        for (int round = 0; round < KILLS; round++) {
          int atKill = Files.readAllLines(log).size();
          server.kill();
          Thread.sleep(DOWN_MILLIS); // the fault: the server stays away a while
          server.start(); // same port, same directory: it reloads its append-only file
          int atRestart = Files.readAllLines(log).size();
          kills.add(atKill + "-" + atRestart);
          awaitLog(log, 30, "the load goes on after the restart", lines -> lines.size() >= atRestart + AFTER);
        }
        stop.set(true);
        send(control, "stop");
        long ranHere = myRun.get(60, TimeUnit.SECONDS);
        String ranThere = theirRun.get(60, TimeUnit.SECONDS);
        assertNotNull(ranThere, "the other JVM finished its run");
        assertTrue(other.waitFor(60, TimeUnit.SECONDS), "the other JVM exited");
        assertEquals(0, other.exitValue(), "the other JVM's exit code");
        LoggingWriter.close();

        Map<String, Integer> held = new TreeMap<>();
        for (int k = 0; k < Workload.KEYS; k++) {
          String key = Workload.key(k);
          Integer v = readAfterRestart(cache, key);
          if (v != null) {
            held.put(key, v);
          }
        }
        Audit audit = new Audit(Files.readAllLines(log), outcomes(mine, theirs),
            committed(server.dir(), cacheName + ":"), held);
        System.out.println("writer with Redis killed mid-run: " + (ranHere + Long.parseLong(ranThere.substring(4)))
            + " operations; killed for " + DOWN_MILLIS + " ms and restarted between writer calls " + kills + "; "
            + audit.summary());
        audit.check();
        deleteAll(dir);
      } finally {
        stop.set(true);
        if (other != null) {
          other.destroyForcibly();
        }
        LoggingWriter.close();
        provider.close();
      }
    }
  }

  private static void send(Writer control, String line) throws IOException {
    control.write(line + "\n");
    control.flush();
  }

  private static long count(List<String> lines, String part) {
    return lines.stream().filter(l -> l.contains(part)).count();
  }

  /** Polls the writer's log until {@code wanted} holds of its lines, for at most {@code seconds}. */
  private static void awaitLog(Path log, int seconds, String what, Predicate<List<String>> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      List<String> lines = Files.readAllLines(log);
      if (wanted.test(lines)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("not within " + seconds + " s: " + what + " (" + lines.size() + " writer calls)");
      }
      Thread.sleep(20);
    }
  }

  private static Integer readAfterRestart(Cache<String, Integer> cache, String key) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return cache.get(key);
      } catch (CacheException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void deleteAll(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  // ------------------------------------------------------------------------------ what happened

  /** One writer call: a write of {@code value} or a delete, by operation {@code op}, at {@code time}. */
  record Call(int line, boolean write, String key, Integer value, String op, long time) {
    static Call parse(int line, String text) {
      String[] f = text.split(" ");
      if (f.length < 7) {
        throw new AssertionError("a writer call without its operation: " + text);
      }
      boolean write = f[0].equals("W");
      return new Call(line, write, f[1], write ? Integer.valueOf(f[2]) : null, f[5], Long.parseLong(f[6]));
    }

    @Override
    public String toString() {
      return (write ? "W " + value : "D") + " by " + op;
    }
  }

  /**
   * What an operation did: changed (returned normally having committed a change), absent (a remove
   * of nothing, which the writer hears), nothing (returned normally, no change) or failed (threw).
   */
  record Outcome(String kind, String id, String key, String op, String exception) {}

  /** One change Redis committed to a key: a SET of {@code value}, or a delete ({@code value} null). */
  record Commit(boolean set, Integer value) {
    @Override
    public String toString() {
      return set ? "SET " + value : "DEL";
    }
  }

  private static Map<String, Outcome> outcomes(Path... files) throws IOException {
    Map<String, Outcome> all = new HashMap<>();
    for (Path f : files) {
      for (String l : Files.readAllLines(f)) {
        String[] p = l.split(" ", 6);
        Outcome o = new Outcome(p[0], p[1], p[2], p[3], p[0].equals("failed") ? p[4] + ": " + (p.length > 5 ? p[5] : "")
            : null);
        if (all.put(o.id(), o) != null) {
          throw new AssertionError("two outcomes of operation " + o.id());
        }
      }
    }
    return all;
  }

  /**
   * The changes Redis committed to the cache's entries, per key in commit order, read from its
   * append-only file (every write fsynced before it was answered): SET and DEL of the keys under
   * {@code namespace}, their values decoded as the cache decodes them.
   */
  static Map<String, List<Commit>> committed(Path redisDir, String namespace) throws IOException {
    Path aofDir = redisDir.resolve("appendonlydir");
    List<String> manifest = Files.readAllLines(aofDir.resolve("appendonly.aof.manifest"));
    List<String> incr = new ArrayList<>();
    for (String l : manifest) {
      String[] f = l.split(" ");
      String file = f[1];
      String type = f[f.length - 1];
      if (type.equals("b") && !f[3].equals("1")) {
        throw new AssertionError("Redis rewrote its append-only file: the test reads the commands of the first one");
      }
      if (type.equals("i")) {
        incr.add(file);
      }
    }
    EntryCodec codec = Codecs.forCache(Representation.BYTES, true, Settings.of(CodecSettings.ALL, Map.of()),
        WriterServerKilledTest.class.getClassLoader(), String.class, Integer.class);
    Map<String, List<Commit>> out = new TreeMap<>();
    for (String file : incr) {
      byte[] aof = Files.readAllBytes(aofDir.resolve(file));
      Resp in = new Resp(aof);
      while (in.hasCommand()) {
        List<byte[]> cmd = in.command();
        if (cmd == null) {
          break; // a command cut short by the kill, which Redis truncated on loading
        }
        String name = new String(cmd.get(0), StandardCharsets.US_ASCII).toUpperCase();
        if (cmd.size() < 2) {
          continue;
        }
        String key = new String(cmd.get(1), StandardCharsets.UTF_8);
        if (!key.startsWith(namespace)) {
          continue; // lock leases, other caches
        }
        String cacheKey = key.substring(namespace.length() + 1); // the String key's 's' tag
        switch (name) {
          case "SET" -> {
            byte[] raw = cmd.get(2);
            Integer v = (Integer) codec.decodeValue(Arrays.copyOfRange(raw, 16, raw.length));
            out.computeIfAbsent(cacheKey, k -> new ArrayList<>()).add(new Commit(true, v));
          }
          case "DEL", "UNLINK" -> {
            for (int i = 1; i < cmd.size(); i++) {
              String k = new String(cmd.get(i), StandardCharsets.UTF_8).substring(namespace.length() + 1);
              out.computeIfAbsent(k, x -> new ArrayList<>()).add(new Commit(false, null));
            }
          }
          default -> throw new AssertionError("an unexpected command on " + key + " in the append-only file: " + name);
        }
      }
    }
    return out;
  }

  /** A reader of the Redis protocol's arrays of bulk strings, as an append-only file holds commands. */
  private static final class Resp {
    private final byte[] b;
    private int at;

    Resp(byte[] b) {
      this.b = b;
    }

    boolean hasCommand() {
      return at < b.length;
    }

    /** The next command, or null if the file ends inside it. */
    List<byte[]> command() {
      try {
        expect('*');
        int n = (int) number();
        List<byte[]> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          expect('$');
          int len = (int) number();
          if (at + len + 2 > b.length) {
            return null;
          }
          args.add(Arrays.copyOfRange(b, at, at + len));
          at += len + 2;
        }
        return args;
      } catch (ArrayIndexOutOfBoundsException e) {
        return null;
      }
    }

    private void expect(char c) {
      if (b[at] != c) {
        throw new AssertionError("append-only file: expected '" + c + "' at byte " + at);
      }
      at++;
    }

    private long number() {
      long n = 0;
      while (b[at] != '\r') {
        n = n * 10 + (b[at++] - '0');
      }
      at += 2;
      return n;
    }
  }

  /**
   * Lines up, per key, the writer's calls with what Redis committed: a commit matches the next
   * call of the same write (a delete: the next delete, one by an operation that confirmed a change
   * first). Calls that match no commit were heard by the writer and never stored.
   */
  static final class Audit {
    final List<String> violations = new ArrayList<>();
    final Map<String, Outcome> outcomes;
    final Map<String, List<Call>> calls = new TreeMap<>();
    final Map<String, List<Commit>> commits;
    final Map<String, Integer> held;
    final Map<String, Integer> replayed = new TreeMap<>();
    final Map<String, Integer> committedLast = new TreeMap<>();
    int totalCalls;
    /** Operations that returned "no change" although Redis committed the change they told the writer of. */
    final Map<String, Integer> wrongAnswers = new TreeMap<>();
    final Map<String, Integer> wrongAnswersPerKey = new HashMap<>();
    /** Operations that threw: with a writer call that Redis committed, with one it did not, with none. */
    int failedCommitted;
    int failedLost;
    int failedSilent;
    /** Lost calls that made the database differ from the cache: writes and deletes. */
    int staleWrites;
    int staleDeletes;
    /** Lost calls that changed nothing (a write of what the cache held, a delete of nothing). */
    int harmless;
    /** How long each stale entry lasted: from the lost call to the key's next commit (or the run's end). */
    final List<Long> staleMillis = new ArrayList<>();
    int staleAtEnd;
    int duplicateCommits;
    final Map<String, Integer> exceptions = new TreeMap<>();

    Audit(List<String> log, Map<String, Outcome> outcomes, Map<String, List<Commit>> commits,
        Map<String, Integer> held) {
      this.outcomes = outcomes;
      this.commits = commits;
      this.held = held;
      Map<String, Integer> callsPerOp = new HashMap<>();
      long lastTime = 0;
      for (int i = 0; i < log.size(); i++) {
        Call c = Call.parse(i, log.get(i));
        calls.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        callsPerOp.merge(c.op(), 1, Integer::sum);
        lastTime = Math.max(lastTime, c.time());
        if (c.write()) {
          replayed.put(c.key(), c.value());
        } else {
          replayed.remove(c.key());
        }
      }
      totalCalls = log.size();
      // (1) every call belongs to an operation that changed something or threw (or, checked as the
      // calls are lined up with the commits, to one that said "no change" of a change Redis has); once each
      for (Map.Entry<String, Integer> e : callsPerOp.entrySet()) {
        Outcome o = outcomes.get(e.getKey());
        if (o == null) {
          violations.add("(1) the writer heard operation " + e.getKey() + ", which no JVM ran");
        } else if (e.getValue() > 1) {
          violations.add("(1) operation " + e.getKey() + " (" + o.kind() + ") made " + e.getValue() + " writer calls");
        }
      }
      for (Outcome o : outcomes.values()) {
        int n = callsPerOp.getOrDefault(o.id(), 0);
        if ((o.kind().equals("changed") || o.kind().equals("absent")) && n != 1) {
          violations.add("(1) operation " + o.id() + " " + o.op() + " confirmed a change with " + n + " writer calls");
        }
        if (o.kind().equals("failed")) {
          String e = o.exception().replaceAll("\\d+", "#");
          exceptions.merge(e.substring(0, Math.min(170, e.length())), 1, Integer::sum);
          if (n == 0) {
            failedSilent++;
          }
        }
      }
      for (int k = 0; k < Workload.KEYS; k++) {
        String key = Workload.key(k);
        List<Call> l = calls.getOrDefault(key, List.of());
        lineUp(key, l, commits.getOrDefault(key, List.of()), lastTime);
        long owed = outcomes.values().stream()
            .filter(o -> o.key().equals(key) && (o.kind().equals("changed") || o.kind().equals("absent"))).count();
        long failed = outcomes.values().stream().filter(o -> o.key().equals(key) && o.kind().equals("failed")).count();
        int wrong = wrongAnswersPerKey.getOrDefault(key, 0);
        if (l.size() < owed || l.size() > owed + failed + wrong) {
          violations.add("(1) " + key + ": " + l.size() + " writer calls for " + owed + " confirmed changes, " + failed
              + " failed operations and " + wrong + " that said no change of a committed one");
        }
      }
      // (4) the cache reads what Redis committed last
      if (!held.equals(committedLast)) {
        violations.add("(4) the cache holds " + held + ", Redis committed last " + committedLast);
      }
    }

    private void lineUp(String key, List<Call> l, List<Commit> a, long end) {
      int i = 0;
      Integer state = null;
      Commit previous = null;
      for (Commit c : a) {
        if (c.set() && previous != null && previous.equals(c)) {
          duplicateCommits++; // the same SET again: a retried command
          continue;
        }
        int j = match(l, i, c);
        if (j < 0) {
          violations.add("(2) " + key + ": Redis committed " + c + " that the writer did not hear (after "
              + (i == 0 ? "the start" : l.get(i - 1)) + ")");
          continue;
        }
        for (int m = i; m < j; m++) {
          lost(l.get(m), state, l.get(j).time());
        }
        Outcome o = outcomes.get(l.get(j).op());
        if (o != null && o.kind().equals("failed")) {
          failedCommitted++;
        }
        if (o != null && o.kind().equals("nothing")) {
          wrongAnswers.merge(o.op(), 1, Integer::sum);
          wrongAnswersPerKey.merge(key, 1, Integer::sum);
        }
        state = c.set() ? c.value() : null;
        previous = c;
        i = j + 1;
      }
      for (int m = i; m < l.size(); m++) {
        Call lostCall = l.get(m);
        int before = staleWrites + staleDeletes;
        lost(lostCall, state, end);
        if (staleWrites + staleDeletes > before) {
          staleAtEnd++;
        }
      }
      if (state != null) {
        committedLast.put(key, state);
      }
      // (4) where the cache differs from the log's replay, only failed operations follow its last commit
      if (!Objects.equals(held.get(key), replayed.get(key))) {
        for (int m = i; m < l.size(); m++) {
          Outcome o = outcomes.get(l.get(m).op());
          if (o == null || !o.kind().equals("failed")) {
            violations.add("(4) " + key + " differs from the log's replay after " + l.get(m) + ", which did not fail");
          }
        }
      }
    }

    /** The index of the call at or after {@code from} that commit {@code c} stored, or -1. */
    private int match(List<Call> l, int from, Commit c) {
      if (c.set()) {
        for (int j = from; j < l.size(); j++) {
          if (l.get(j).write() && c.value().equals(l.get(j).value())) {
            return j;
          }
        }
        return -1;
      }
      // a delete: of the deletes before the next write, one that confirmed a change, else the first
      int first = -1;
      for (int j = from; j < l.size() && !l.get(j).write(); j++) {
        Outcome o = outcomes.get(l.get(j).op());
        if (o != null && o.kind().equals("changed")) {
          return j;
        }
        if (first < 0) {
          first = j;
        }
      }
      if (first < 0) {
        for (int j = from; j < l.size(); j++) {
          if (!l.get(j).write()) {
            return j; // a delete after writes that were never stored
          }
        }
      }
      return first;
    }

    /** A call Redis never committed, made when the key held {@code state}, that lasted until {@code until}. */
    private void lost(Call call, Integer state, long until) {
      Outcome o = outcomes.get(call.op());
      if (o == null) {
        return; // reported under (1)
      }
      switch (o.kind()) {
        case "changed" -> violations.add("(3) " + call.key() + ": " + call + " confirmed a change Redis does not have");
        case "nothing" -> violations.add("(1) " + call.key() + ": " + call + " returned normally without a change, and"
            + " Redis has none, yet the writer heard it");
        case "absent" -> {
          if (call.write() || state != null) {
            violations.add("(3) " + call.key() + ": " + call + " confirmed a remove of nothing while Redis held " + state);
          }
        }
        default -> {
          failedLost++;
          if (call.write() ? !call.value().equals(state) : state != null) {
            if (call.write()) {
              staleWrites++;
            } else {
              staleDeletes++;
            }
            staleMillis.add(Math.max(0, until - call.time()));
          } else {
            harmless++;
          }
        }
      }
    }

    String summary() {
      long failed = outcomes.values().stream().filter(o -> o.kind().equals("failed")).count();
      long confirmed = outcomes.values().stream()
          .filter(o -> o.kind().equals("changed") || o.kind().equals("absent")).count();
      int differ = 0;
      for (int k = 0; k < Workload.KEYS; k++) {
        String key = Workload.key(k);
        if (!Objects.equals(held.get(key), replayed.get(key))) {
          differ++;
        }
      }
      long maxStale = staleMillis.stream().mapToLong(Long::longValue).max().orElse(0);
      long sumStale = staleMillis.stream().mapToLong(Long::longValue).sum();
      return totalCalls + " writer calls; " + confirmed + " operations confirmed a change (or a remove of nothing), "
          + failed + " threw: " + failedSilent + " before telling the writer, " + failedCommitted
          + " after a change Redis committed, " + failedLost + " after telling the writer of a change Redis never"
          + " committed (" + staleWrites + " writes and " + staleDeletes + " deletes left the cache older than the"
          + " database, " + harmless + " changed nothing); stale entries lasted " + staleMillis + " ms (max " + maxStale
          + ", total " + sumStale + "), " + staleAtEnd + " still stale at the end; the final cache differs from the"
          + " log's replay on " + differ + " of " + Workload.KEYS + " keys; " + duplicateCommits
          + " commits repeated; " + wrongAnswers.values().stream().mapToInt(Integer::intValue).sum()
          + " operations returned \"no change\" of a change Redis committed " + wrongAnswers + "; exceptions " + exceptions;
    }

    void check() {
      assertTrue(outcomes.values().stream().anyMatch(o -> o.kind().equals("failed")),
          "the kill made some operation fail: " + summary());
      assertTrue(violations.isEmpty(), violations.size() + " broken guarantees " + violations + "; " + summary());
    }
  }
}
