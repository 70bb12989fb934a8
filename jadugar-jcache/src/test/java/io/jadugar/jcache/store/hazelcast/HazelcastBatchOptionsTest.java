package io.jadugar.jcache.store.hazelcast;

import io.jadugar.jcache.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.EntryView;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Hazelcast 5.7 offers for one-call batches, measured on a real member (in this JVM, so that it
 * has an entry processor class of ours) and a client of it: which batch writes wait for a key that
 * another thread holds with {@code IMap.lock} (as the store's compute and {@code lockAll} do), and
 * which keep a TTL per entry. Why the store's {@code putAll}/{@code removeAll} send one operation
 * per key: every one-call form either ignores the lock or drops the TTL. If a Hazelcast upgrade makes
 * one of them wait for locks, this test fails, and the choice should be looked at again.
 */
class HazelcastBatchOptionsTest {

  private static HazelcastInstance member;
  private static HazelcastInstance client;
  private static HazelcastInstance locker;

  /** Sets the entry's value with its own TTL: what a batched putAll would ship to the owners. */
  public static final class SetWithTtl implements EntryProcessor<Object, Object, Object> {
    private static final long serialVersionUID = 1L;
    private final Object value;
    private final long ttlMs;

    SetWithTtl(Object value, long ttlMs) {
      this.value = value;
      this.ttlMs = ttlMs;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object process(Map.Entry<Object, Object> entry) {
      ((ExtendedMapEntry<Object, Object>) entry).setValue(value, ttlMs, TimeUnit.MILLISECONDS);
      return null;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String name = "jadugar-batch-" + UUID.randomUUID().toString().substring(0, 8);
    int port = Ports.free();
    Config c = new Config().setClusterName(name);
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
    member = Hazelcast.newHazelcastInstance(c);
    client = client(name, port);
    locker = client(name, port);
  }

  private static HazelcastInstance client(String name, int port) {
    ClientConfig c = new ClientConfig().setClusterName(name);
    c.getNetworkConfig().addAddress("127.0.0.1:" + port);
    c.setProperty("hazelcast.logging.type", "slf4j");
    return HazelcastClient.newHazelcastClient(c);
  }

  @AfterAll
  static void stop() {
    for (HazelcastInstance h : new HazelcastInstance[] {locker, client, member}) {
      if (h != null) {
        h.shutdown();
      }
    }
  }

  private interface Batch {
    void write(IMap<Object, Object> map, Object key) throws Exception;
  }

  /**
   * What {@code key} holds while another client's thread holds its lock and {@code batch} runs from
   * this client: "old" if the batch waited. The batch is let through afterwards.
   */
  private static Object duringLock(Object key, Batch batch) throws Exception {
    IMap<Object, Object> held = locker.getMap("batches");
    held.set(key, "old");
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread owner = new Thread(() -> {
      held.lock(key);
      locked.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        held.unlock(key);
      }
    });
    owner.start();
    locked.await();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<?> f = runner.submit(() -> {
        batch.write(client.getMap("batches"), key);
        return null;
      });
      Thread.sleep(500);
      Object during = held.get(key);
      release.countDown();
      f.get(20, TimeUnit.SECONDS);
      owner.join();
      return during;
    } finally {
      runner.shutdownNow();
    }
  }

  private static long ttl(String key) {
    EntryView<Object, Object> v = client.getMap("batches").getEntryView(key);
    return v.getTtl();
  }

  @Test
  void onlyPerKeyOperationsWaitForALockedKey() throws Exception {
    // one call for the whole batch: none waits for the lock
    assertEquals("new", duringLock("putAll", (m, k) -> m.putAll(Map.of(k, "new"))), "IMap.putAll");
    assertEquals("new", duringLock("setAll", (m, k) -> m.setAll(Map.of(k, "new"))), "IMap.setAll");
    assertEquals("new", duringLock("putAllAsync", (m, k) -> m.putAllAsync(Map.of(k, "new")).toCompletableFuture().get()),
        "IMap.putAllAsync");
    assertEquals("new", duringLock("executeOnKeys", (m, k) -> m.executeOnKeys(Set.of(k), new SetWithTtl("new", 60_000))),
        "IMap.executeOnKeys");
    assertEquals("new", duringLock("submitToKeys",
        (m, k) -> m.submitToKeys(Set.of(k), new SetWithTtl("new", 60_000)).toCompletableFuture().get()),
        "IMap.submitToKeys");
    // one operation per key: each waits
    assertEquals("old", duringLock("setAsync",
        (m, k) -> m.setAsync(k, "new", 60_000, TimeUnit.MILLISECONDS).toCompletableFuture().get()), "IMap.setAsync");
    assertEquals("old", duringLock("removeAsync", (m, k) -> m.removeAsync(k).toCompletableFuture().get()),
        "IMap.removeAsync");
    assertEquals("old", duringLock("executeOnKey", (m, k) -> m.executeOnKey(k, new SetWithTtl("new", 60_000))),
        "IMap.executeOnKey");
  }

  /**
   * The store's batch writes from a client ({@link ClientWrites}: IMap's own set and remove requests,
   * awaited on their invocation futures) behave as {@code setAsync}/{@code removeAsync}: they wait for
   * a lock another thread holds, pass one the calling thread holds, and keep each entry's TTL. If a
   * Hazelcast upgrade changes the client's internals, {@code ClientWrites.of} gives nothing (the store
   * falls back to IMap's asynchronous calls, a thread started per answer on 2 cores) and this fails.
   */
  @Test
  void theStoresClientWritesAreSetAndRemove() throws Exception {
    assertNull(ClientWrites.of(member, member.getMap("batches")), "a member uses IMap's own calls");
    assertNotNull(ClientWrites.of(client, client.getMap("batches")), "Hazelcast's client internals changed");
    byte[] value = {42};
    byte[] set = {1};
    assertEquals("old", duringLock(set, (m, k) -> ClientWrites.of(client, m).set((byte[]) k, value, 9_000).join()),
        "ClientWrites.set");
    IMap<Object, Object> m = client.getMap("batches");
    assertArrayEquals(value, (byte[]) m.get(set));
    assertEquals(9_000, m.getEntryView(set).getTtl());
    byte[] removed = {2};
    Object[] answer = new Object[1];
    assertEquals("old", duringLock(removed, (map, k) -> {
      ClientWrites w = ClientWrites.of(client, map);
      answer[0] = w.removed(w.remove((byte[]) k).join());
    }), "ClientWrites.remove");
    assertEquals("old", answer[0]);
    assertNull(m.get(removed));
    // this thread's own lock lets its writes through (a batch under lockAll)
    byte[] own = {3};
    ClientWrites w = ClientWrites.of(client, m);
    m.lock(own);
    try {
      w.set(own, value, 0).get(10, TimeUnit.SECONDS);
      assertEquals(Long.MAX_VALUE, m.getEntryView(own).getTtl());
      assertArrayEquals(value, (byte[]) w.removed(w.remove(own).get(10, TimeUnit.SECONDS)));
    } finally {
      m.unlock(own);
    }
  }

  @Test
  void theOneCallPutsCarryNoTtlPerEntry() {
    IMap<Object, Object> m = client.getMap("batches");
    m.putAll(Map.of("a", "v"));
    m.setAll(Map.of("b", "v"));
    // the map's default: no TTL (Long.MAX_VALUE); there is no per-entry TTL parameter to give
    assertEquals(Long.MAX_VALUE, ttl("a"));
    assertEquals(Long.MAX_VALUE, ttl("b"));
    // an entry processor can set one per entry, but ignores locks (above) and needs its class on the members
    m.executeOnKeys(Set.of("c"), new SetWithTtl("v", 5_000));
    assertEquals(5_000, ttl("c"));
    m.setAsync("d", "v", 7_000, TimeUnit.MILLISECONDS).toCompletableFuture().join();
    assertEquals(7_000, ttl("d"));
    assertFalse(m.isLocked("a"));
    assertTrue(m.containsKey("c"));
  }
}
