package io.jadugar.extensions.tags;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The second JVM of the cross-JVM tag tests: {@code <uri> <cache> k=v...} opens the cache and its
 * tags, prints {@code ready}, then answers one line per command read from standard input, each
 * answer starting with {@code "> "}: {@code read k n} (get, getAll, containsKey, invoke and iteration
 * of k, run from the nth on), {@code put k
 * v tag} (through the tag's view), {@code invalidate tag}, {@code race millis} (the race workload of
 * {@link TagRace}), {@code quit}.
 */
public final class TagWorker {

  private TagWorker() {}

  public static void main(String[] args) throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create(args[0]), TagWorker.class.getClassLoader(),
        ChildJvm.settings(args, 2));
    Cache<String, Long> cache = manager.createCache(args[1], configuration());
    TagManager<String, Long> tags = TagManager.of(cache);
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] c = line.split(" ");
      String answer = switch (c[0]) {
        case "read" -> read(cache, c[1], c.length > 2 ? Integer.parseInt(c[2]) : 0);
        case "put" -> {
          tags.tags(c[3]).put(c[1], Long.parseLong(c[2]));
          yield "ok";
        }
        case "invalidate" -> {
          tags.invalidateTag(c[1]);
          yield "ok";
        }
        case "race" -> "raced " + TagRace.write(tags, Long.parseLong(c[1]), 2);
        default -> "unknown command " + line;
      };
      System.out.println("> " + answer);
      System.out.flush();
    }
    provider.close();
  }

  /**
   * get, getAll, containsKey, invoke (exists) and iteration of {@code key}, answered in that order
   * but run starting with the {@code first}th: a read that finds an entry invalid drops it, so only
   * the first read meets the stored invalid entry, and each read must be first in turn.
   */
  private static String read(Cache<String, Long> cache, String key, int first) {
    List<Supplier<Object>> reads = List.of(() -> cache.get(key), () -> cache.getAll(Set.of(key)).get(key),
        () -> cache.containsKey(key), () -> cache.invoke(key, (e, a) -> e.exists()), () -> iterated(cache, key));
    Object[] answers = new Object[reads.size()];
    for (int i = 0; i < reads.size(); i++) {
      int r = (first + i) % reads.size();
      answers[r] = reads.get(r).get();
    }
    StringBuilder b = new StringBuilder();
    for (Object a : answers) {
      b.append(b.length() == 0 ? "" : " ").append(a);
    }
    return b.toString();
  }

  /** The value iteration finds under {@code key}, or null. */
  private static Long iterated(Cache<String, Long> cache, String key) {
    for (Cache.Entry<String, Long> e : cache) {
      if (e.getKey().equals(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The cache both JVMs open. */
  static javax.cache.configuration.MutableConfiguration<String, Long> configuration() {
    return new JadugarConfiguration<String, Long>().setTypes(String.class, Long.class);
  }
}
