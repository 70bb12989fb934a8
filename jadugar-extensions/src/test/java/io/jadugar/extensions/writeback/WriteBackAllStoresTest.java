package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.AllStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write-back over a cache on every store (the journal a local file): four threads put, remove,
 * putAll and removeAll 20 keys; after a flush the writer has taken, for every key, exactly what the
 * cache holds (the last change, in order), and in batches, not one call per change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBackAllStoresTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("write-back-all");

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void theWriterEndsWithWhatTheCacheHoldsInBatches(String store) throws Exception {
    Path dir = Files.createTempDirectory("write-back-all-");
    RecordingWriter writer = new RecordingWriter();
    CacheManager m = stores.manager(store);
    m.destroyCache("written-back");
    try (WriteBack<String, String> wb = WriteBack.builder(writer, String.class, String.class).name("all-" + store)
        .journal(WriteBackJournal.file(dir.resolve("journal"))).maxDelay(Duration.ofMillis(20)).build()) {
      Cache<String, String> cache = m.createCache("written-back", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(wb.factory()));
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        threads.add(new Thread(() -> {
          try {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 150; i++) {
              String k = "k" + r.nextInt(20);
              switch (r.nextInt(4)) {
                case 0 -> cache.put(k, thread + ":" + i);
                case 1 -> cache.remove(k);
                case 2 -> {
                  Map<String, String> batch = new HashMap<>();
                  batch.put(k, thread + ":" + i + "a");
                  batch.put("k" + r.nextInt(20), thread + ":" + i + "b");
                  cache.putAll(batch);
                }
                default -> cache.removeAll(new java.util.HashSet<>(List.of(k, "k" + r.nextInt(20))));
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), failures, store);
      wb.flush();
      for (int i = 0; i < 20; i++) {
        String k = "k" + i;
        List<RecordingWriter.Seen> taken = writer.taken(k);
        String last = taken.isEmpty() ? null : taken.get(taken.size() - 1).value();
        assertEquals(cache.get(k), last, store + ": " + k + " at the writer (" + taken.size() + " changes taken)");
        for (int j = 1; j < taken.size(); j++) {
          assertTrue(taken.get(j).value() == null || taken.get(j - 1).value() == null
              || taken.get(j).version() > taken.get(j - 1).version(), store + ": " + k + " in order: " + taken);
        }
      }
      assertEquals(List.of(), writer.overlaps, store + ": two batches at the writer shared a key");
      long changes = writer.seen.size();
      assertTrue(writer.calls.size() < changes, store + ": " + writer.calls.size() + " writer calls for " + changes
          + " changes: batched");
      System.out.printf("write-back on %s: %d changes reached the writer in %d calls%n", store, changes,
          writer.calls.size());
    } finally {
      m.destroyCache("written-back");
      try (Stream<Path> files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }
}
