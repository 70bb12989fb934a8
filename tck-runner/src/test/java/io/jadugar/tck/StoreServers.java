package io.jadugar.tck;

import io.jadugar.jcache.store.memcached.MemcachedServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The real servers a store's TCK run needs, started before the TCK and stopped after it. With
 * {@code tck.jadugar.memcachedServers=N} it starts N memcached processes on free loopback ports and
 * points the provider at them through {@code jadugar.memcached.servers}.
 */
final class StoreServers implements AutoCloseable {

  private final List<MemcachedServer> memcached = new ArrayList<>();

  private StoreServers() {
  }

  static StoreServers startIfAsked() throws IOException {
    StoreServers s = new StoreServers();
    String n = System.getProperty("tck.jadugar.memcachedServers");
    if (n != null && !n.isBlank()) {
      try {
        for (int i = 0; i < Integer.parseInt(n.trim()); i++) {
          s.memcached.add(MemcachedServer.launch());
        }
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      String servers = s.memcached.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(","));
      System.setProperty("jadugar.memcached.servers", servers);
      System.out.println("TCK memcached servers: " + servers);
    }
    return s;
  }

  @Override
  public void close() {
    memcached.forEach(MemcachedServer::close);
  }
}
