package io.jadugar.jcache.store.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.jadugar.jcache.store.DaemonThreads;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hazelcast instances (members or clients) of this JVM, shared by every cache manager with the
 * same settings. Joining a cluster takes a member seconds and a client a few hundred milliseconds,
 * while a program (and the TCK) may open and close cache managers by the hundred: an instance no
 * manager holds is shut down {@link #LINGER_MS} later, unless a manager takes it again first.
 */
final class HazelcastInstances {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastInstances.class);
  /** How long an instance nobody holds stays up for the next cache manager. */
  static final long LINGER_MS = 3000L;
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jadugar-hazelcast-linger"));

  private static final class Shared {
    final HazelcastInstance instance;
    int holders;
    ScheduledFuture<?> shutdown;

    Shared(HazelcastInstance instance) {
      this.instance = instance;
    }
  }

  private static final Map<HazelcastSpec, Shared> SHARED = new HashMap<>();

  private HazelcastInstances() {}

  /** The running instance of {@code spec}, started if there is none; hold it until {@link #release}. */
  static HazelcastInstance acquire(HazelcastSpec spec, Supplier<RuntimeException> unreachable) {
    synchronized (SHARED) {
      Shared s = SHARED.get(spec);
      if (s != null && !s.instance.getLifecycleService().isRunning()) {
        SHARED.remove(spec);
        s = null;
      }
      if (s == null) {
        s = new Shared(start(spec, unreachable));
        SHARED.put(spec, s);
      }
      if (s.shutdown != null) {
        s.shutdown.cancel(false);
        s.shutdown = null;
      }
      s.holders++;
      return s.instance;
    }
  }

  /** Lets go of {@code instance}; the last holder's release shuts it down after the linger. */
  static void release(HazelcastSpec spec, HazelcastInstance instance) {
    synchronized (SHARED) {
      Shared s = SHARED.get(spec);
      if (s == null || s.instance != instance) {
        shutdown(instance);
        return;
      }
      if (--s.holders > 0) {
        return;
      }
      Shared last = s;
      last.shutdown = TIMER.schedule(() -> {
        synchronized (SHARED) {
          if (last.holders > 0 || SHARED.get(spec) != last) {
            return;
          }
          SHARED.remove(spec);
        }
        shutdown(last.instance);
      }, LINGER_MS, TimeUnit.MILLISECONDS);
    }
  }

  private static HazelcastInstance start(HazelcastSpec spec, Supplier<RuntimeException> unreachable) {
    if (spec.member()) {
      return Hazelcast.newHazelcastInstance(spec.memberConfig());
    }
    ClientConfig config = spec.clientConfig();
    // the client starts in the background (see HazelcastSpec.clientConfig): wait here for its first
    // connection, for the connect timeout only, so that it keeps reconnecting for good later
    CountDownLatch connected = new CountDownLatch(1);
    config.addListenerConfig(new ListenerConfig((LifecycleListener) e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) {
        connected.countDown();
      }
    }));
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(config);
    } catch (IllegalStateException e) {
      // "Unable to connect to any cluster.": name what was tried instead
      RuntimeException error = unreachable.get();
      error.initCause(e);
      throw error;
    }
    boolean reached;
    try {
      reached = connected.await(spec.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reached = false;
    }
    if (!reached) {
      shutdown(client);
      throw unreachable.get();
    }
    try {
      // what a client started in the foreground does before it returns (Hazelcast's internal API, no
      // public one): connect to every member now, so that their backup acknowledgements reach it from
      // the first write on; else a write can fail as indeterminate while those connections are opened
      ((com.hazelcast.client.impl.connection.tcp.TcpClientConnectionManager)
          ((com.hazelcast.client.impl.clientside.HazelcastClientProxy) client).client.getConnectionManager())
          .tryConnectToAllClusterMembers(true);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Could not connect to every member at once; Hazelcast connects in the background", e);
    }
    return client;
  }

  private static void shutdown(HazelcastInstance instance) {
    try {
      instance.shutdown();
    } catch (RuntimeException e) {
      LOG.warn("Failed to shut down Hazelcast instance {}", instance.getName(), e);
    }
  }
}
