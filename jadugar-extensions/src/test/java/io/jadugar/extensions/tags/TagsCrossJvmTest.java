package io.jadugar.extensions.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.AllStores;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tags across two JVMs on every shared store: an invalidation is seen by the other JVM's very next
 * read, and writes racing invalidations (from the other JVM) never leave a pre-invalidation entry
 * valid, nor one that a later invalidation cannot reach. The memory store, which lives in one JVM,
 * races threads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagsCrossJvmTest {

  private static final int RACE_ROUNDS = 150;

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("tags-jvm");

  Stream<String> shared() {
    return AllStores.NAMES.stream().filter(s -> !s.startsWith("memory"));
  }

  private TagManager<String, Long> tags(String store, String name) {
    CacheManager m = stores.manager(store);
    for (String n : List.of(name, name + TagManager.RECORDS_SUFFIX, name + TagManager.INDEX_SUFFIX)) {
      m.destroyCache(n);
    }
    return TagManager.of(m.createCache(name, TagWorker.configuration()));
  }

  /** The other JVM, on {@code store}'s servers, with {@code cache} and its tags open. */
  private static final class Other implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final PrintWriter in;

    Other(AllStores.PerClass stores, String store, String cache) throws Exception {
      process = ChildJvm.builder(TagWorker.class, ChildJvm.withSettings(
          List.of(stores.uri(store).toString(), cache), stores.properties(store)))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      out = ChildJvm.output(process);
      in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      assertNotNull(ChildJvm.readUntil(out, "ready").get(60, TimeUnit.SECONDS), "the other JVM is ready");
    }

    /** Sends {@code command} and waits for its answer. */
    String ask(String command, int seconds) throws Exception {
      CompletableFuture<String> answer = ChildJvm.readUntil(out, "> ");
      in.println(command);
      String a = answer.get(seconds, TimeUnit.SECONDS);
      assertNotNull(a, "the other JVM answered " + command);
      return a.substring(2);
    }

    @Override
    public void close() throws Exception {
      in.println("quit");
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("shared")
  void anInvalidationIsSeenByTheOtherJvmsNextRead(String store) throws Exception {
    TagManager<String, Long> tags = tags(store, "tags-jvm-read");
    Cache<String, Long> cache = tags.cache();
    try (Other other = new Other(stores, store, "tags-jvm-read")) {
      for (long i = 1; i <= 10; i++) {
        tags.tags("t").put("k", i);
        assertEquals(i + " " + i + " true true " + i, other.ask("read k " + i % 5, 10),
            store + ": the other JVM reads the entry (get, getAll, containsKey, invoke, iteration)");
        tags.invalidateTag("t");
        // each read kind meets the invalid entry first in turn (the first read drops it)
        assertEquals("null null false false null", other.ask("read k " + i % 5, 10),
            store + ": the other JVM's next read after invalidateTag returned");
        // and the other way round
        other.ask("put k " + (100 + i) + " t", 10);
        assertEquals(100 + i, cache.get("k"));
        other.ask("invalidate t", 10);
        assertEquals(null, cache.get("k"), store + ": this JVM's next read after the other's invalidation");
        assertEquals(Map.of(), cache.getAll(java.util.Set.of("k")));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("shared")
  void writesRacingInvalidationsFromTheOtherJvmNeverStayValid(String store) throws Exception {
    TagManager<String, Long> tags = tags(store, "tags-jvm-race");
    tags.cache().put(TagRace.EPOCH, 0L);
    List<String> stale;
    String raced;
    try (Other other = new Other(stores, store, "tags-jvm-race")) {
      CompletableFuture<String> writes = CompletableFuture.supplyAsync(() -> {
        try {
          return other.ask("race 3000", 60);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      stale = TagRace.invalidate(tags, RACE_ROUNDS);
      raced = writes.get(60, TimeUnit.SECONDS);
    }
    assertRaceHeld(tags, store, stale, raced);
  }

  @Test
  void writesRacingInvalidationsNeverStayValidInMemory() throws Exception {
    TagManager<String, Long> tags = tags("memory", "tags-race");
    tags.cache().put(TagRace.EPOCH, 0L);
    CompletableFuture<Long> writes = CompletableFuture.supplyAsync(() -> {
      try {
        return TagRace.write(tags, 2000, 2);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100);
    List<String> stale = TagRace.invalidate(tags, 20 * RACE_ROUNDS);
    assertRaceHeld(tags, "memory", stale, "raced " + writes.get(60, TimeUnit.SECONDS));
  }

  private static void assertRaceHeld(TagManager<String, Long> tags, String store, List<String> stale, String raced) {
    assertTrue(raced.startsWith("raced ") && Long.parseLong(raced.substring(6)) > 100,
        store + ": the writers wrote while the invalidations ran: " + raced);
    assertEquals(List.of(), stale.subList(0, Math.min(10, stale.size())),
        store + ": entries valid with versions read before an invalidation (" + stale.size() + " in all)");
    // no write escaped: one more invalidation reaches every entry, through either path
    tags.invalidateTag(TagRace.TAG);
    assertEquals(Map.of(), tags.cache().getAll(TagRace.keys("a")), store);
    assertEquals(Map.of(), tags.cache().getAll(TagRace.keys("b")), store);
  }
}
