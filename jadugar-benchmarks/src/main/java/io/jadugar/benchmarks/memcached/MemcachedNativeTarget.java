package io.jadugar.benchmarks.memcached;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.MemcachedClient;

/** The raw memcached client, set up as Jadugar sets it up, called directly: the peer of the memcached store. */
final class MemcachedNativeTarget implements CacheTarget {

  private static final String PREFIX = "bench-raw:";

  /** Key strings made in advance, so the peer pays nothing a cache layer must pay (its own key text). */
  private static final String[] NAMES = new String[Keys.HOT];

  static {
    for (int i = 0; i < NAMES.length; i++) {
      NAMES[i] = PREFIX + i;
    }
  }

  private final MemcachedClient client;

  MemcachedNativeTarget(String address) {
    try {
      // the same protocol, locator and hash as Jadugar's connection, so only the layer above differs
      client = new MemcachedClient(new ConnectionFactoryBuilder()
          .setClientMode(ClientMode.Static)
          .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
          .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
          .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
          .setDaemon(true)
          .build(), AddrUtil.getAddresses(address));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String name(Integer key) {
    int k = key;
    return k >= 0 && k < NAMES.length ? NAMES[k] : PREFIX + k;
  }

  @Override
  public Payload get(Integer key) {
    return (Payload) client.get(name(key));
  }

  @Override
  public boolean containsKey(Integer key) {
    return client.get(name(key)) != null; // memcached has no existence check of its own
  }

  @Override
  public void put(Integer key, Payload value) {
    // wait for the server's answer, as a cache's put must before it returns
    await(client.set(name(key), 0, value));
  }

  @Override
  public Object increment(Integer key) {
    throw new UnsupportedOperationException("the raw client has no entry processor; not a workload here");
  }

  @Override
  public Map<Integer, Payload> getAll(Set<Integer> keys) {
    List<String> names = new ArrayList<>(keys.size());
    for (Integer k : keys) {
      names.add(name(k));
    }
    // one multi-get; the answer is keyed by name, turned back into the caller's keys as a cache must
    Map<String, Object> found = client.getBulk(names);
    Map<Integer, Payload> result = new HashMap<>(found.size() * 2);
    for (Integer k : keys) {
      Object v = found.get(name(k));
      if (v != null) {
        result.put(k, (Payload) v);
      }
    }
    return result;
  }

  @Override
  public void putAll(Map<Integer, Payload> entries) {
    // pipelined: every set is sent before the first answer is awaited
    List<Future<Boolean>> pending = new ArrayList<>(entries.size());
    entries.forEach((k, v) -> pending.add(client.set(name(k), 0, v)));
    pending.forEach(MemcachedNativeTarget::await);
  }

  @Override
  public long size() {
    long n = 0;
    for (int i = 0; i < NAMES.length; i++) {
      n += client.get(NAMES[i]) != null ? 1 : 0;
    }
    return n;
  }

  @Override
  public void close() {
    client.shutdown();
  }

  private static void await(Future<Boolean> f) {
    try {
      if (!f.get()) {
        throw new IllegalStateException("memcached refused a set");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
