package io.jadugar.extensions.aside;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * A JVM of the cross-JVM cache-aside tests: {@code <uri> <cache> k=v...} opens the cache and its
 * {@link CacheAside} (whose loader counts its runs in this JVM, sleeps a while, and returns a value
 * naming this JVM), prints {@code ready}, then answers one line per command, starting with
 * {@code "> "}: {@code flight <key> <callers> <loadMillis>} runs that many callers of {@code get(key)}
 * at once (printing {@code gate} as they are released) and answers {@code loads=<n>
 * errors=<n> firstMillis=<wall-clock ms of the first return> lastMillis=<of the last> values=<distinct values>|<distinct errors>};
 * {@code quit}.
 */
public final class AsideWorker {

  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile long loadMillis;

  private AsideWorker() {}

  public static void main(String[] args) throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create(args[0]), AsideWorker.class.getClassLoader(),
        ChildJvm.settings(args, 2));
    Cache<String, String> cache = manager.createCache(args[1], configuration());
    String me = ProcessHandle.current().pid() + "";
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      int n = LOADS.incrementAndGet();
      Thread.sleep(loadMillis);
      return k + " loaded by " + me + " #" + n;
    });
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] c = line.split(" ");
      String answer;
      if (c[0].equals("flight")) {
        loadMillis = Long.parseLong(c[3]);
        int before = LOADS.get();
        List<Crowd.Outcome> outcomes = Crowd.run(Integer.parseInt(c[2]), 120, () -> aside.get(c[1]), () -> {
          System.out.println("gate");
          System.out.flush();
        });
        Set<String> values = new TreeSet<>();
        Set<String> errors = new TreeSet<>();
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Crowd.Outcome o : outcomes) {
          if (o.error() != null) {
            errors.add(o.error().getMessage().replace('|', '/'));
          } else {
            values.add(String.valueOf(o.value()));
          }
          first = Math.min(first, o.returnedAtMillis());
          last = Math.max(last, o.returnedAtMillis());
        }
        answer = "loads=" + (LOADS.get() - before) + " errors=" + outcomes.stream().filter(o -> o.error() != null)
            .count() + " firstMillis=" + first + " lastMillis=" + last + " values=" + String.join(",", values) + "|" + String.join(",", errors);
      } else {
        answer = "unknown command " + line;
      }
      System.out.println("> " + answer);
      System.out.flush();
    }
    provider.close();
  }

  /** The cache every JVM opens. */
  static javax.cache.configuration.MutableConfiguration<String, String> configuration() {
    return new JadugarConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
