package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.codec.HonestValuesTest.Node;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.store.memory.BytesMemoryStoreFactory;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A value that reads would refuse is refused at put, where the application hears why, and the
 * entry it would have replaced stays: never stored, then silently missing on every read.
 */
class WriteLimitsTest {

  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:write-limits"),
        getClass().getClassLoader(), new Properties());
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static Node chain(int length) {
    Node head = new Node("0");
    Node n = head;
    for (int i = 1; i < length; i++) {
      n.next = new Node(Integer.toString(i));
      n = n.next;
    }
    return head;
  }

  @Test
  void aValueNestedBeyondMaxDepthIsRefusedAtPut() {
    Cache<String, Node> cache = manager.createCache("deep", new JadugarConfiguration<String, Node>()
        .setStore(BytesMemoryStoreFactory.NAME).setTypes(String.class, Node.class));
    cache.put("k", chain(100));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.put("k", chain(400)));
    assertTrue(e.getMessage().contains(Node.class.getName()) && e.getMessage().contains("jadugar.serializer.max-depth"),
        e.getMessage());
    assertEquals(chain(100), cache.get("k"), "the entry it would have replaced stays");
  }

  @Test
  void aValueLongerThanMaxBytesIsRefusedAtPut() {
    Cache<String, String> cache = manager.createCache("big", new JadugarConfiguration<String, String>()
        .setStore(BytesMemoryStoreFactory.NAME).setSetting("jadugar.serializer.max-bytes", "1000")
        .setTypes(String.class, String.class));
    cache.put("k", "small");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.put("k", "x".repeat(5000)));
    assertTrue(e.getMessage().contains("jadugar.serializer.max-bytes") && e.getMessage().contains("1000"),
        e.getMessage());
    assertEquals("small", cache.get("k"));
  }

  @Test
  void aUrlIsNotAllowedByDefault() {
    // URL.hashCode resolves its host: a stored set of URLs would make every read do DNS look-ups
    assertTrue(!ClassAllowList.of(java.util.List.of()).allows("java.net.URL"));
    assertTrue(ClassAllowList.of(java.util.List.of("java.net.URL")).allows("java.net.URL"));
    assertTrue(ClassAllowList.of(java.util.List.of()).allows("java.net.URI"));
  }
}
