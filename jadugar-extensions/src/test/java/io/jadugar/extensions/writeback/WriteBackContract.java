package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jadugar.extensions.writeback.RecordingWriter.Seen;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.testing.Threads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a write-back does whatever its journal, in front of a recording writer, through a cache on
 * the memory store: batching by size and by delay, coalescing, per-key order with several batches in
 * flight, partial failures, retries, dead letters that block nothing, flush, stats, and what the next
 * write-back on the same journal finds. {@link FileJournalTest} and {@link RedisJournalTest} run it.
 */
abstract class WriteBackContract {

  private CacheManager manager;
  RecordingWriter writer;
  private final List<WriteBack<?, ?>> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The journal every write-back of one test opens: the same one each time. */
  abstract WriteBackJournal journal();

  @BeforeEach
  void open() {
    writer = new RecordingWriter();
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:write-back-" + System.nanoTime()),
        getClass().getClassLoader(), new Properties());
  }

  @AfterEach
  void close() {
    manager.close();
    opened.forEach(WriteBack::close);
    opened.clear();
  }

  /** Builds {@code b}, to be closed after the test. */
  WriteBack<String, String> open(WriteBack.Builder<String, String> b) {
    WriteBack<String, String> w = b.build();
    opened.add(w);
    return w;
  }

  WriteBack.Builder<String, String> builder() {
    return WriteBack.builder(writer, String.class, String.class).journal(journal())
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).closeTimeout(Duration.ofMillis(200));
  }

  Cache<String, String> cache(WriteBack<String, String> writeBack) {
    return manager.createCache("c" + System.nanoTime(), new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(writeBack.factory()));
  }

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + ": not so after 10 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void putReturnsBeforeTheWriterSeesItAndFullBatchesGoAtOnce() throws IOException {
    writer.gate = new Semaphore(0);
    WriteBack<String, String> wb = open(builder().batchSize(10).maxDelay(Duration.ofHours(1)).batchesInFlight(1));
    Cache<String, String> cache = cache(wb);
    for (int i = 0; i < 25; i++) {
      cache.put("k" + i, "v" + i); // returns although the writer is held: the journal has it
    }
    assertEquals("v7", cache.get("k7"));
    assertTrue(writer.calls.isEmpty(), "nothing reached the held writer");
    writer.gate.release();
    until("two full batches", () -> writer.sizes().equals(List.of(10, 10)));
    assertEquals(List.of(10, 10), writer.sizes(), "the last 5 wait for their batch (max delay: an hour)");
    cache.unwrap(JadugarCache.class).flush();
    assertEquals(List.of(10, 10, 5), writer.sizes(), "flush() sends what waits, and returns once the writer has it");
    assertEquals(25, writer.seen.size());
    assertEquals(25.0 / 3, wb.stats().entriesPerWriteAll(), 0.001);
  }

  @Test
  void aChangeWaitsAtMostTheMaxDelay() {
    WriteBack<String, String> wb = open(builder().batchSize(1000).maxDelay(Duration.ofMillis(200)));
    Cache<String, String> cache = cache(wb);
    long start = System.nanoTime();
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    until("the batch sent after its delay", () -> writer.seen.size() == 3);
    long took = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of(3), writer.sizes(), "one batch of the three");
    assertTrue(took >= 190, "not sent before the max delay: " + took + " ms");
  }

  @Test
  void putRemovePutOfOneKeyReachesTheWriterAsOnePutOfTheLastValue() throws IOException {
    WriteBack<String, String> wb = open(builder().maxDelay(Duration.ofHours(1)));
    Cache<String, String> cache = cache(wb);
    cache.put("k", "1");
    cache.remove("k");
    cache.put("k", "3");
    cache.put("gone", "x");
    cache.remove("gone");
    wb.flush();
    assertEquals(List.of("k=3", "gone=null"), writer.seen.stream().map(s -> s.key() + "=" + s.value()).toList(),
        "one put of k's last value, one removal of gone: nothing else");
    assertEquals(0, wb.stats().pending());
  }

  @Test
  void eachKeysChangesReachTheWriterInOrderWithSeveralBatchesInFlight() throws Exception {
    writer.sleepMillis = 2;
    WriteBack<String, String> wb = open(builder().batchSize(7).maxDelay(Duration.ofMillis(1)).batchesInFlight(4));
    Cache<String, String> cache = cache(wb);
    Threads.runAll(8, "writes", t -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      for (int i = 0; i < 400; i++) {
        String key = "k" + r.nextInt(20);
        if (r.nextInt(5) == 0) {
          cache.remove(key);
        } else {
          cache.put(key, t + ":" + i);
        }
      }
    });
    wb.flush();
    assertEquals(List.of(), writer.overlaps, "two batches at the writer never share a key");
    Map<String, Long> last = new HashMap<>();
    for (Seen s : writer.seen) {
      if (s.version() >= 0) {
        Long before = last.put(s.key(), s.version());
        assertTrue(before == null || before < s.version(), s.key() + ": version " + s.version() + " after " + before);
      }
    }
    for (int k = 0; k < 20; k++) {
      String key = "k" + k;
      List<Seen> taken = writer.taken(key);
      String writerHas = taken.isEmpty() ? null : taken.get(taken.size() - 1).value();
      assertEquals(cache.get(key), writerHas, key + ": the writer's last change is what the cache holds");
    }
    assertTrue(writer.calls.size() > 4, "several batches: " + writer.calls.size());
  }

  @Test
  void aBatchThatFailsInPartRetriesOnlyWhatTheWriterDidNotTake() throws IOException {
    WriteBack<String, String> wb = open(builder().maxDelay(Duration.ofHours(1)).maxAttempts(1000));
    Cache<String, String> cache = cache(wb);
    writer.refuse = k -> k.equals("b") || k.equals("d");
    Map<String, String> all = Map.of("a", "1", "b", "2", "c", "3", "d", "4");
    cache.putAll(all);
    new Thread(() -> {
      until("a few retries", () -> writer.calls.size() >= 4);
      writer.refuse = k -> false;
    }).start();
    wb.flush(); // waits for b and d through their retries
    assertEquals(4, writer.calls.get(0).size());
    for (List<Seen> retry : writer.calls.subList(1, writer.calls.size())) {
      assertTrue(retry.stream().allMatch(x -> x.key().equals("b") || x.key().equals("d")),
          "a retry carries only what the writer refused: " + retry);
    }
    for (String k : all.keySet()) {
      assertEquals(1, writer.taken(k).size(), k + " reached the writer once");
    }
    assertTrue(wb.stats().retries() >= 3, wb.stats().toString());
  }

  @Test
  void anEntryThatKeepsFailingBecomesADeadLetterAndBlocksNoOtherKey() throws IOException {
    WriteBack<String, String> wb = open(builder().maxDelay(Duration.ofMillis(1)).maxAttempts(3));
    Cache<String, String> cache = cache(wb);
    writer.refuse = k -> k.equals("bad");
    cache.put("bad", "poison");
    for (int i = 0; i < 50; i++) {
      cache.put("good" + i, "v" + i);
    }
    wb.flush();
    for (int i = 0; i < 50; i++) {
      assertEquals(1, writer.taken("good" + i).size(), "good" + i + " was written");
    }
    List<DeadLetter<String, String>> dead = wb.deadLetters();
    assertEquals(1, dead.size());
    DeadLetter<String, String> d = dead.get(0);
    assertEquals("bad", d.key());
    assertEquals("poison", d.value());
    assertEquals(3, d.attempts());
    assertTrue(d.error().contains("writeAll failed") && d.error().contains("refused [bad"), d.error());
    WriteBackStats s = wb.stats();
    assertEquals(1, s.deadLetters());
    assertEquals(2, s.retries());
    assertEquals(0, s.pending());

    writer.refuse = k -> false;
    assertTrue(wb.replay(d));
    wb.flush();
    assertEquals("poison", writer.taken("bad").get(0).value(), "the replayed dead letter reached the writer");
    assertTrue(writer.taken("bad").get(0).version() > d.version(), "as a new change of its key");
    assertTrue(wb.deadLetters().isEmpty(), "a replayed dead letter is gone");
    assertFalse(wb.replay(d), "replayed once only");
  }

  @Test
  void aDiscardedDeadLetterIsGoneAndNeverReachesTheWriter() throws IOException {
    WriteBack<String, String> wb = open(builder().maxDelay(Duration.ofMillis(1)).maxAttempts(2));
    Cache<String, String> cache = cache(wb);
    writer.refuse = k -> k.startsWith("bad");
    cache.put("bad1", "poison1");
    cache.put("bad2", "poison2");
    wb.flush();
    List<DeadLetter<String, String>> dead = wb.deadLetters();
    assertEquals(2, dead.size(), dead.toString());
    DeadLetter<String, String> first = dead.stream().filter(d -> d.key().equals("bad1")).findFirst().orElseThrow();
    writer.refuse = k -> false;
    assertTrue(wb.discard(first));
    assertFalse(wb.discard(first), "discarded once only");
    assertFalse(wb.replay(first), "a discarded dead letter cannot be replayed");
    assertEquals(List.of("bad2"), wb.deadLetters().stream().map(DeadLetter::key).toList(), "the other stays");
    assertEquals(1, wb.stats().deadLetters(), wb.stats().toString());
    wb.flush();
    assertEquals(List.of(), writer.taken("bad1"), "the discarded change never reached the writer");
    assertEquals(List.of(), writer.taken("bad2"), "nor did the one left, until replayed");
  }

  @Test
  void aLaterChangeThatReachesTheWriterRetiresTheKeysDeadLetter() throws IOException {
    WriteBack<String, String> wb = open(builder().maxDelay(Duration.ofMillis(1)).maxAttempts(2));
    Cache<String, String> cache = cache(wb);
    writer.refuse = k -> true;
    cache.put("k", "old");
    wb.flush();
    assertEquals(1, wb.deadLetters().size());
    writer.refuse = k -> false;
    cache.put("k", "new");
    wb.flush();
    assertEquals(List.of(), wb.deadLetters(), "replaying 'old' now would overwrite 'new'");
  }

  @Test
  void whatTheWriterHasNotTakenSurvivesARestartAndIsDeliveredThen() throws IOException {
    writer.refuse = k -> true;
    WriteBack<String, String> first = open(builder().maxDelay(Duration.ofMillis(1)).maxAttempts(1000)
        .closeTimeout(Duration.ofMillis(100)));
    Cache<String, String> cache = cache(first);
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("a", "3");
    cache.remove("b");
    cache.put("c", "4");
    cache.close(); // closes the write-back: it cannot flush, so the changes stay in the journal
    writer.calls.clear();
    writer.refuse = k -> false;

    WriteBack<String, String> second = open(builder().maxDelay(Duration.ofHours(1)));
    second.flush();
    assertEquals(List.of("a=3", "b=null", "c=4"), writer.seen.stream().map(s -> s.key() + "=" + s.value()).sorted().toList());
    second.close();
    writer.seen.clear();
    WriteBack<String, String> third = open(builder());
    third.flush();
    assertEquals(List.of(), writer.seen, "delivered once: nothing again on the next start");
    third.close();
  }

  @Test
  void statsTellWhatIsPendingAndHowOldHereAndOverJmx() throws Exception {
    writer.gate = new Semaphore(0);
    String name = "stats-" + System.nanoTime();
    WriteBack<String, String> wb = open(builder().name(name).maxDelay(Duration.ofHours(1)).batchSize(2).batchesInFlight(1));
    ObjectName bean = new ObjectName("io.jadugar:type=WriteBack,name=" + ObjectName.quote(name));
    MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    Cache<String, String> cache = cache(wb);
    cache.put("a", "1");
    cache.put("b", "2"); // a full batch: at the held writer
    cache.put("c", "3"); // waits for the next
    Thread.sleep(120);
    WriteBackStats s = wb.stats();
    assertEquals(3, s.pending());
    assertEquals(2, s.inFlight(), "one batch of two held at the writer");
    assertTrue(s.oldestPendingAge().toMillis() >= 100, s.toString());
    assertEquals(3L, jmx.getAttribute(bean, "Pending"), "the same over JMX");
    assertEquals(2L, jmx.getAttribute(bean, "InFlight"));
    java.util.Map<String, Long> vendor = cache.unwrap(io.jadugar.jcache.JadugarCache.class).metrics().writer();
    assertEquals(3L, vendor.get("pending"), "the same in the vendor API's metrics: " + vendor);
    assertEquals(2L, vendor.get("inFlight"), vendor.toString());
    assertTrue(vendor.get("oldestPendingAgeMillis") >= 100, vendor.toString());
    writer.gate.release();
    wb.flush();
    s = wb.stats();
    assertEquals(0, s.pending());
    assertEquals(0L, cache.unwrap(io.jadugar.jcache.JadugarCache.class).metrics().writer().get("pending"));
    assertEquals(Duration.ZERO, s.oldestPendingAge());
    assertEquals(3, s.writeAllEntries());
    assertEquals(2L, jmx.getAttribute(bean, "WriteAllCalls"), "over JMX: the held batch, then the one flush sent");
    wb.close();
    assertFalse(jmx.isRegistered(bean), "unregistered on close");
  }
}
