package io.jadugar.jcache.writer;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The second JVM of the exactly-once test: {@code <jvm> <cache> <log> <threads> <ops per thread>
 * <seed> k=v...} opens the cache with the logging writer, prints {@code ready}, waits for a line,
 * runs the workload and prints {@code committed c0 c1 ... owed o0 o1 ...} and {@code done}.
 */
public final class WriterWorker {

  private WriterWorker() {}

  public static void main(String[] args) throws Exception {
    Properties p = ChildJvm.settings(args, 6);
    int jvm = Integer.parseInt(args[0]);
    LoggingWriter.open(Path.of(args[2]), "jvm" + jvm);
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create("jadugar:writer-worker"),
        WriterWorker.class.getClassLoader(), p);
    Cache<String, Integer> cache = manager.createCache(args[1], WriterExactlyOnceTest.configuration());
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    long[][] counts = Workload.run(cache, jvm, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        Long.parseLong(args[5]));
    System.out.println("committed " + Arrays.stream(counts[0]).mapToObj(Long::toString).collect(Collectors.joining(" "))
        + " owed " + Arrays.stream(counts[1]).mapToObj(Long::toString).collect(Collectors.joining(" ")));
    System.out.println("done");
    System.out.flush();
    provider.close();
    LoggingWriter.close();
  }
}
