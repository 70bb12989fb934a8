package io.jadugar.jcache.store.memcached;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheException;
import io.jadugar.jcache.spi.OutcomeUnknownException;

/**
 * One JVM's share of the stale-read test: a writer that puts increasing counters into its own keys
 * and publishes each value whose put returned into a file mapped by every JVM, and readers that
 * check every value they read, of every writer's keys, against what was published before the read
 * began. A lower value is a stale read.
 */
final class FlapLoad {

  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final Cache<String, Long> cache;
  private final MappedByteBuffer confirmed;
  private final int writers;
  private final int keysPerWriter;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  final AtomicLong reads = new AtomicLong();
  final AtomicLong hits = new AtomicLong();
  final AtomicLong stale = new AtomicLong();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong failedWrites = new AtomicLong();
  final AtomicLong unknownWrites = new AtomicLong();
  final List<String> samples = Collections.synchronizedList(new ArrayList<>());

  FlapLoad(Cache<String, Long> cache, Path shared, int writers, int keysPerWriter) throws IOException {
    this.cache = cache;
    this.writers = writers;
    this.keysPerWriter = keysPerWriter;
    try (FileChannel ch = FileChannel.open(shared, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      this.confirmed = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8L * writers * keysPerWriter);
    }
  }

  static String key(int writer, int i) {
    return "w" + writer + "-" + i;
  }

  private long confirmedValue(int writer, int i) {
    return (long) LONGS.getVolatile(confirmed, 8 * (writer * keysPerWriter + i));
  }

  /** Starts the writer of {@code writer}'s keys and {@code readers} readers of all keys. */
  void start(int writer, int readers) {
    threads.add(daemon(() -> write(writer), "flap-writer-" + writer));
    for (int r = 0; r < readers; r++) {
      int seed = r;
      threads.add(daemon(() -> read(seed), "flap-reader-" + writer + "-" + r));
    }
  }

  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }
  }

  String summary() {
    return "reads=" + reads + " hits=" + hits + " stale=" + stale + " writes=" + writes + " failedWrites="
        + failedWrites + " unknownWrites=" + unknownWrites + " samples=" + samples.subList(0, Math.min(5, samples.size()));
  }

  private void write(int writer) {
    long[] next = new long[keysPerWriter];
    while (!stop.get()) {
      for (int i = 0; i < keysPerWriter && !stop.get(); i++) {
        long v = ++next[i];
        try {
          cache.put(key(writer, i), v);
          // published only once the put returned: a reader that starts later must see v or newer
          LONGS.setVolatile(confirmed, 8 * (writer * keysPerWriter + i), v);
          writes.incrementAndGet();
        } catch (OutcomeUnknownException e) {
          unknownWrites.incrementAndGet();
        } catch (CacheException e) {
          failedWrites.incrementAndGet();
        }
        // a paced writer: a round of all keys takes about a second, so that a copy left behind on
        // another server by an earlier outage stays older than the key's last write for that long
        pause();
      }
    }
  }

  /** Reader {@code seed}: even ones read key by key, odd ones ten keys at a time with getAll. */
  private void read(int seed) {
    java.util.Random random = new java.util.Random(seed);
    while (!stop.get()) {
      int writer = random.nextInt(writers);
      if (seed % 2 == 0) {
        int i = random.nextInt(keysPerWriter);
        long before = confirmedValue(writer, i);
        check(key(writer, i), before, cache.get(key(writer, i)));
      } else {
        Map<String, Long> before = new LinkedHashMap<>();
        for (int n = 0; n < 10; n++) {
          int i = random.nextInt(keysPerWriter);
          before.put(key(writer, i), confirmedValue(writer, i));
        }
        Map<String, Long> got = cache.getAll(before.keySet());
        before.forEach((k, b) -> check(k, b, got.get(k)));
      }
    }
  }

  private void check(String key, long before, Long value) {
    reads.incrementAndGet();
    if (value == null) {
      return; // a miss is never stale
    }
    hits.incrementAndGet();
    if (value < before) {
      stale.incrementAndGet();
      if (samples.size() < 20) {
        samples.add(key + " read " + value + " after " + before + " was written");
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(Math.max(1, 1000 / keysPerWriter));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
