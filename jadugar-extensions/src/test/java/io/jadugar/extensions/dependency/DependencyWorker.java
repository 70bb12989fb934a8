package io.jadugar.extensions.dependency;

import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The second JVM of {@link CrossJvmDependencyTest}: opens the same cache on the same servers, installs
 * dependencies with the same PostgreSQL registered as {@code pg}, prints {@code ready}, then answers
 * each {@code get k1 k2 ...} line on standard input with {@code got k1=v1 k2=null ...}.
 * Arguments: the cache manager's URI, the cache's name, the JDBC URL, the check interval in ms, then
 * the cache manager's settings as {@code key=value}.
 */
public final class DependencyWorker {

  private DependencyWorker() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create(args[0]),
        DependencyWorker.class.getClassLoader(), ChildJvm.settings(args, 4));
    Cache<String, String> cache = manager.createCache(args[1],
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setUrl(args[2]);
    pg.setUser("postgres");
    Dependencies.on(cache, Duration.ofMillis(Long.parseLong(args[3]))).register("pg", pg);
    out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      StringBuilder b = new StringBuilder("got");
      for (String key : line.substring("get ".length()).split(" ")) {
        b.append(' ').append(key).append('=').append(cache.get(key));
      }
      out.println(b);
    }
    manager.close();
    System.exit(0);
  }
}
