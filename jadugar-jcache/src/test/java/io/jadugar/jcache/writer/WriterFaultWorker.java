package io.jadugar.jcache.writer;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The second JVM of the killed-server writer test: {@code <jvm> <cache> <log> <outcomes> <threads>
 * <seed> k=v...} opens the cache with the logging writer, prints {@code ready}, waits for a line,
 * runs {@link Workload#runUntil} until the next line (or the end of its input), then prints {@code
 * ran <n>} and {@code done}.
 */
public final class WriterFaultWorker {

  private WriterFaultWorker() {}

  public static void main(String[] args) throws Exception {
    int jvm = Integer.parseInt(args[0]);
    LoggingWriter.open(Path.of(args[2]), "jvm" + jvm);
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create("jadugar:writer-fault-worker"),
        WriterFaultWorker.class.getClassLoader(), ChildJvm.settings(args, 6));
    Cache<String, Integer> cache = manager.createCache(args[1], WriterExactlyOnceTest.configuration());
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    in.readLine();
    AtomicBoolean stop = new AtomicBoolean();
    Thread stopper = new Thread(() -> {
      try {
        in.readLine();
      } catch (java.io.IOException e) {
        // the test is gone: stop all the same
      }
      stop.set(true);
    });
    stopper.setDaemon(true);
    stopper.start();
    long ran = Workload.runUntil(cache, jvm, Integer.parseInt(args[4]), Long.parseLong(args[5]), stop::get,
        Path.of(args[3]));
    System.out.println("ran " + ran);
    System.out.println("done");
    System.out.flush();
    provider.close();
    LoggingWriter.close();
  }
}
