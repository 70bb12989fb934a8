package io.jadugar.tck;

import io.jadugar.jcache.store.redis.RedisServer;
import java.io.IOException;

/**
 * Starts the real Redis servers a TCK run against the Redis store needs ({@code
 * tck.jadugar.redis=single} or {@code cluster}) and points the provider at them through
 * {@code jadugar.redis.*} system properties.
 */
final class RedisTckServers {

  private RedisTckServers() {
  }

  /** The servers asked for, to be closed after the run; a no-op when none are asked for. */
  static AutoCloseable startIfAsked() throws IOException {
    String mode = System.getProperty("tck.jadugar.redis", "").trim();
    switch (mode) {
      case "":
        return () -> { };
      case "single": {
        RedisServer server = RedisServer.launch();
        System.setProperty("jadugar.redis.address", server.address());
        return server;
      }
      case "cluster": {
        RedisServer.Cluster cluster = RedisServer.Cluster.launch();
        System.setProperty("jadugar.redis.cluster.nodes", cluster.addresses());
        return cluster;
      }
      default:
        throw new IllegalArgumentException("tck.jadugar.redis must be single or cluster, not " + mode);
    }
  }
}
