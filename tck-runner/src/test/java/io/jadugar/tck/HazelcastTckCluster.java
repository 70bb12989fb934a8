package io.jadugar.tck;

import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import java.io.IOException;

/**
 * Starts the real Hazelcast cluster a TCK run against the Hazelcast store needs and points the
 * provider at it through {@code jadugar.hazelcast.*} system properties: {@code
 * tck.jadugar.hazelcast=member} starts two member JVMs and makes the TCK's JVM the third member (an
 * embedded member of the same cluster); {@code client} starts three member JVMs and makes the TCK's
 * JVM a client of them.
 */
final class HazelcastTckCluster {

  private HazelcastTckCluster() {
  }

  /** The cluster asked for, to be closed after the run; a no-op when none is asked for. */
  static AutoCloseable startIfAsked() throws IOException {
    String mode = System.getProperty("tck.jadugar.hazelcast", "").trim();
    switch (mode) {
      case "":
        return () -> { };
      case "member": {
        HazelcastCluster cluster = HazelcastCluster.launch(2, 1, 1);
        System.setProperty("jadugar.hazelcast.mode", "member");
        System.setProperty("jadugar.hazelcast.members", cluster.allAddresses());
        System.setProperty("jadugar.hazelcast.port", String.valueOf(cluster.embeddedPort(0)));
        System.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
        System.out.println("TCK hazelcast: this JVM is the third member of " + cluster.allAddresses());
        return cluster;
      }
      case "client": {
        HazelcastCluster cluster = HazelcastCluster.launch(3);
        System.setProperty("jadugar.hazelcast.mode", "client");
        System.setProperty("jadugar.hazelcast.members", cluster.addresses());
        System.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
        System.out.println("TCK hazelcast-client: a client of " + cluster.addresses());
        return cluster;
      }
      default:
        throw new IllegalArgumentException("tck.jadugar.hazelcast must be member or client, not " + mode);
    }
  }
}
