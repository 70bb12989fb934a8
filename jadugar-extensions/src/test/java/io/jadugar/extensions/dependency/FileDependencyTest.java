package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jadugar.jcache.testing.AllStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A file dependency on every store: an entry on a file whose content changed (same size, same
 * modification time: only the hash tells), that was replaced, deleted, or appeared, is a miss
 * through the standard {@code get}; an untouched file keeps its entries. The invalidation markers
 * live in each store: an invalidated dependency, or one whose marker record the store lost, is a miss.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDependencyTest {

  static final Duration INTERVAL = Duration.ofMillis(200);
  static final Duration LIMIT = Duration.ofSeconds(10);

  private final AtomicInteger caches = new AtomicInteger();
  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("file-deps");
  @TempDir
  Path dir;

  Stream<String> stores() {
    return AllStores.NAMES.stream();
  }

  /** A new cache on {@code store} with dependencies installed, and a file of {@code content}. */
  private record OnFile(Cache<String, String> cache, Dependencies<String, String> deps, Path file) {}

  private OnFile onFile(String store, String name, String content) throws IOException {
    Cache<String, String> cache = stores.manager(store).createCache("files-" + caches.incrementAndGet(),
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    return new OnFile(cache, Dependencies.on(cache, INTERVAL), write(dir.resolve(store + "-" + name + ".txt"), content));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void contentChangedBehindTheSameSizeAndTimeIsAMissOnceHashed(String store) throws IOException {
    OnFile on = onFile(store, "same", "version-1");
    Cache<String, String> cache = on.cache();
    Dependencies<String, String> deps = on.deps();
    Path file = on.file();
    FileDependency dependency = deps.file(file);
    deps.put("a", "A", dependency);
    deps.put("b", "B", deps.file(file));
    Await.sleep(3 * INTERVAL.toMillis());
    assertEquals("A", cache.get("a"), "an untouched file keeps its entries after the hash is checked again");

    FileTime modified = Files.getLastModifiedTime(file);
    write(file, "version-2");
    Files.setLastModifiedTime(file, modified);
    Await.until(store + ": entry on a file rewritten in place", () -> cache.get("a"), null, LIMIT);
    assertNull(cache.get("b"));
    assertEquals(false, dependency.isValid());

    deps.put("c", "C", deps.file(file));
    assertEquals("C", cache.get("c"), "an entry written after the change is valid");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void replacedDeletedOrAppearedFileIsAMissAtOnce(String store) throws IOException {
    OnFile on = onFile(store, "replaced", "original");
    Cache<String, String> cache = on.cache();
    Dependencies<String, String> deps = on.deps();
    Path file = on.file();
    deps.put("replaced", "R", deps.file(file));
    assertEquals("R", cache.get("replaced"));
    Path next = write(dir.resolve(store + "-next.txt"), "the replacement");
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // no waiting: a stat on each read sees another size at once
    assertNull(cache.get("replaced"), store + ": entry on a replaced file");

    deps.put("deleted", "D", deps.file(file));
    assertEquals("D", cache.get("deleted"));
    Files.delete(file);
    assertNull(cache.get("deleted"), store + ": entry on a deleted file");

    deps.put("absent", "A", deps.file(file));
    assertEquals("A", cache.get("absent"), "an entry on a file that does not exist is valid while it does not");
    write(file, "here now");
    assertNull(cache.get("absent"), store + ": entry on a file that appeared");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void invalidatedOrLostMarkerIsAMiss(String store) throws IOException {
    OnFile on = onFile(store, "marker", "marked");
    Cache<String, String> cache = on.cache();
    Dependencies<String, String> deps = on.deps();
    Path file = on.file();
    FileDependency dependency = deps.file(file);
    deps.put("x", "X", dependency);
    dependency.invalidate();
    assertNull(cache.get("x"), store + ": entry on an invalidated dependency");
    deps.put("y", "Y", deps.file(file));
    assertEquals("Y", cache.get("y"), "a dependency made after the invalidation is valid");

    // the store lost the marker record (evicted, expired): the entry is a miss, never "version 0"
    stores.manager(store).getCache(Dependencies.MARKER_CACHE, String.class, String.class)
        .remove(FileDependency.markerKey(dependency.path()));
    Await.until(store + ": entry whose marker record is gone", () -> cache.get("y"), null, LIMIT);
  }

  static Path write(Path file, String content) throws IOException {
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
