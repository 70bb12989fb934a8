package io.jadugar.extensions.tags;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The second JVM of the cross-JVM tag tests: {@code <uri> <cache> k=v...} opens the cache and its
 * tags, prints {@code ready}, then answers one line per command read from standard input, each
 * answer starting with {@code "> "}: {@code read k} (get, getAll and containsKey of k), {@code put k
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
        case "read" -> cache.get(c[1]) + " " + cache.getAll(Set.of(c[1])).get(c[1]) + " " + cache.containsKey(c[1]);
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

  /** The cache both JVMs open. */
  static javax.cache.configuration.MutableConfiguration<String, Long> configuration() {
    return new JadugarConfiguration<String, Long>().setTypes(String.class, Long.class);
  }
}
