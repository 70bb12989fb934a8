package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.PostgresServer;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero loss through {@code kill -9}: a JVM updates 1,000 keys of a cache on Redis, written back to
 * PostgreSQL through a journal, and is killed at a random moment; a new JVM opens the journal and
 * flushes (on Redis, it also takes over the batch the dead JVM had at its writer, once its lease ends). Then the table holds, for every key, the last value whose {@code put} returned — or the
 * value of the one put of that key that was under way when the kill came (it may have reached the
 * journal without returning). Three runs at random kill moments: one with a file journal, two with a
 * journal in the cache's Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBackCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBackCrashTest.class);

  private RedisServer redis;
  private PostgresServer postgres;
  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.launch();
    postgres = PostgresServer.launch();
  }

  @AfterAll
  void stop() {
    if (postgres != null) {
      postgres.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** What the killed JVM said: per key, the value of its last returned put and of a put begun after it. */
  private static final class Said {
    final Map<String, String> returned = new ConcurrentHashMap<>();
    final Map<String, String> begun = new ConcurrentHashMap<>();
    final AtomicInteger returns = new AtomicInteger();
  }

  @Test
  void killMinusNineLosesNoPutThatReturned() throws Exception {
    Random random = new Random();
    int behindAtKills = 0;
    for (int run = 0; run < 3; run++) {
      int killAfter = 500 + random.nextInt(4_000);
      behindAtKills += run(run, killAfter);
    }
    assertTrue(behindAtKills > 0, "at some kill the database was behind: the journal is what the test relied on");
  }

  /** One run: returns how many keys the database had not caught up with when the JVM was killed. */
  private int run(int run, int killAfter) throws Exception {
    String table = "kv" + run;
    postgres.execute(PgWriter.createTable(table));
    // the first run journals in a local file, the others in the cache's Redis
    String journal = run == 0 ? dir.resolve("journal-" + run).toString() : "redis:crash-" + run;
    String uri = redis.address() + "/crash";
    String cache = "crash" + run;
    Process child = ChildJvm.builder(CrashWorker.class, "write", uri, cache, journal, postgres.url(), table)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Said said = new Said();
    CountDownLatch enough = new CountDownLatch(1);
    Thread reader = new Thread(() -> read(ChildJvm.output(child), said, killAfter, enough));
    reader.start();
    assertTrue(enough.await(60, TimeUnit.SECONDS), "run " + run + ": the writing JVM returned " + said.returns.get()
        + " puts, not " + killAfter);
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
    assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    reader.join(10_000);
    int returned = said.returns.get();

    Map<String, String> before = rows(table);
    int behind = 0;
    for (Map.Entry<String, String> e : said.returned.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        behind++;
      }
    }

    Process flusher = ChildJvm.builder(CrashWorker.class, "flush", uri, cache, journal, postgres.url(), table)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String flushed = ChildJvm.readUntil(ChildJvm.output(flusher), "flushed").get(60, TimeUnit.SECONDS);
    assertTrue(flushed != null && flusher.waitFor(30, TimeUnit.SECONDS), "run " + run + ": the new JVM flushed");
    assertEquals(0, flusher.exitValue());

    Map<String, String> after = rows(table);
    int lost = 0;
    int underWay = 0;
    StringBuilder first = new StringBuilder();
    for (Map.Entry<String, String> e : said.returned.entrySet()) {
      String key = e.getKey();
      String has = after.get(key);
      if (has != null && has.equals(said.begun.get(key))) {
        underWay++;
      } else if (!e.getValue().equals(has)) {
        lost++;
        if (first.length() < 500) {
          first.append(key).append(": returned ").append(e.getValue()).append(", database ").append(has).append("; ");
        }
      }
    }
    LOG.info("run {} (journal {}): killed after {} returned puts ({} keys); database behind on {} keys at the kill; after the new "
        + "JVM's flush: {} lost, {} hold the put under way at the kill ({})", run, journal, returned, said.returned.size(),
        behind, lost, underWay, flushed);
    assertEquals(0, lost, "run " + run + ": puts that returned and are not in the database: " + first);
    return behind;
  }

  private static void read(BufferedReader out, Said said, int killAfter, CountDownLatch enough) {
    try {
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        if (l.startsWith("B ") || l.startsWith("R ")) {
          int sp = l.indexOf(' ', 2);
          String key = l.substring(2, sp);
          String value = l.substring(sp + 1);
          if (l.charAt(0) == 'B') {
            said.begun.put(key, value);
          } else {
            said.returned.put(key, value);
            said.begun.remove(key, value);
            if (said.returns.incrementAndGet() >= killAfter) {
              enough.countDown();
            }
          }
        }
      }
    } catch (IOException e) {
      // the process was killed: its output ends here
    }
  }

  private Map<String, String> rows(String table) throws SQLException {
    Map<String, String> rows = new HashMap<>();
    try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT k, v FROM " + table)) {
      while (r.next()) {
        rows.put(r.getString(1), r.getString(2));
      }
    }
    return rows;
  }
}
