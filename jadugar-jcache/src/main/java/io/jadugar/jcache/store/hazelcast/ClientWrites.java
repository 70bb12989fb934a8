package io.jadugar.jcache.store.hazelcast;

import com.hazelcast.client.impl.clientside.HazelcastClientInstance;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.protocol.ClientMessage;
import com.hazelcast.client.impl.protocol.codec.MapRemoveCodec;
import com.hazelcast.client.impl.protocol.codec.MapSetCodec;
import com.hazelcast.client.impl.proxy.ClientMapProxy;
import com.hazelcast.client.impl.spi.ClientContext;
import com.hazelcast.client.impl.spi.ClientPartitionService;
import com.hazelcast.client.impl.spi.impl.ClientInvocation;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.util.ThreadUtil;
import com.hazelcast.map.IMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's per-key writes of a batch ({@code putAll}, {@code removeAll}): the very requests
 * {@code IMap.setAsync(k, v, ttl, MILLISECONDS)} and {@code IMap.removeAsync(k)} send (Hazelcast's
 * {@code MapSet} and {@code MapRemove} messages, to the key's partition, with the calling thread's id,
 * so they wait for a key lock another thread holds and pass one this thread holds, exactly as the
 * proxy's do), but awaited on their invocation futures instead of the proxy's.
 *
 * <p>Why: the client proxy wraps each invocation in a {@code ClientDelegatingFuture}, whose constructor
 * hangs a callback on Hazelcast's default asynchronous executor. Where the common {@code ForkJoinPool}
 * has a parallelism of 1 (2 cores or fewer), that executor is not a pool but a new thread per task
 * ({@code ConcurrencyUtil}), started on the client's response thread: each answer costs a thread start,
 * one after another, and a batch of 100 took 17–24 ms on loopback instead of about 1 ms (raw
 * {@code IMap.putAll} and {@code getAsync} pay the same; a synchronous call and Hazelcast's JCache do
 * not). Joining the invocation future itself parks the caller without any callback.
 *
 * <p>This is Hazelcast's internal client API (as {@link HazelcastInstances} already uses): when its
 * classes differ ({@link #of} fails) or the map is not a plain client proxy (a near cache, which the
 * proxy must invalidate), the store uses the public asynchronous calls.
 */
final class ClientWrites {

  private static final Logger LOG = LoggerFactory.getLogger(ClientWrites.class);

  private final HazelcastClientInstance client;
  private final String name;
  private final SerializationService serialization;
  private final ClientPartitionService partitions;

  private ClientWrites(HazelcastClientInstance client, String name, ClientContext context) {
    this.client = client;
    this.name = name;
    this.serialization = context.getSerializationService();
    this.partitions = context.getPartitionService();
  }

  /** The writes of {@code map}, a map of client {@code hz}; null when only the public calls will do. */
  static ClientWrites of(HazelcastInstance hz, IMap<?, ?> map) {
    try {
      if (hz instanceof HazelcastClientProxy proxy && map.getClass() == ClientMapProxy.class) {
        return new ClientWrites(proxy.client, map.getName(), ((ClientMapProxy<?, ?>) map).getContext());
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Hazelcast's client internals differ; batches use IMap's asynchronous calls", e);
    }
    return null;
  }

  /** {@code IMap.set(key, value, ttlMillis, MILLISECONDS)} sent (0: for ever); the answer is not needed. */
  CompletableFuture<ClientMessage> set(byte[] key, byte[] value, long ttlMillis) {
    Data k = serialization.toData(key);
    ClientMessage request = MapSetCodec.encodeRequest(name, k, serialization.toData(value), ThreadUtil.getThreadId(),
        ttlMillis);
    return new ClientInvocation(client, request, name, partitions.getPartitionId(k)).invoke();
  }

  /** {@code IMap.remove(key)} sent; {@link #removed} reads its answer. */
  CompletableFuture<ClientMessage> remove(byte[] key) {
    Data k = serialization.toData(key);
    ClientMessage request = MapRemoveCodec.encodeRequest(name, k, ThreadUtil.getThreadId());
    return new ClientInvocation(client, request, name, partitions.getPartitionId(k)).invoke();
  }

  /** The value a {@link #remove} removed, or null, from its answer. */
  Object removed(Object answer) {
    return serialization.toObject(MapRemoveCodec.decodeResponse((ClientMessage) answer));
  }
}
