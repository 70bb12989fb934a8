package io.jadugar.jcache.store.memcached;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * The other JVM of the stale-read test: runs a {@link FlapLoad} (writer 1, two readers) until the
 * file named by its last argument exists, then prints its summary and exits with 0, or 3 if it read
 * a stale value. Arguments: servers, cache name, shared file, keys per writer, stop file.
 */
public final class FlapWorker {

  private FlapWorker() {}

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.setProperty("jadugar.memcached.operation-timeout", "1s");
    p.setProperty("jadugar.memcached.reconnect-delay", "1s");
    CacheManager m = Caching.getCachingProvider().getCacheManager(
        URI.create("memcached://" + args[0] + "/flap" + ProcessHandle.current().pid()),
        FlapWorker.class.getClassLoader(), p);
    FlapLoad load;
    try {
      Cache<String, Long> c = m.getCache(args[1], String.class, Long.class);
      if (c == null) {
        c = m.createCache(args[1], new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
      }
      load = new FlapLoad(c, Path.of(args[2]), 2, Integer.parseInt(args[3]));
      load.start(1, 2);
      System.out.println("READY");
      System.out.flush();
      Path stopFile = Path.of(args[4]);
      while (!stopFile.toFile().exists()) {
        Thread.sleep(50);
      }
      load.stop();
    } finally {
      m.close();
    }
    System.out.println("RESULT " + load.summary());
    System.out.flush();
    System.exit(load.stale.get() == 0 ? 0 : 3);
  }
}
