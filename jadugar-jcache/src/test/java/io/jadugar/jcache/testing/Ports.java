package io.jadugar.jcache.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers the tests start. A port the kernel hands out with {@code bind(0)}
 * lies in the ephemeral range, where any outgoing connection (a Hazelcast member dialling the members
 * not yet started, a client reconnecting) may take it before the server binds it: most likely how a
 * CI run lost a Hazelcast member on start. So the ports come from below that range, are checked free, and are never
 * handed out twice by one JVM.
 */
public final class Ports {

  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A loopback port outside the kernel's ephemeral range that nothing listens on now. */
  public static int free() throws IOException {
    int[] range = ephemeralRange();
    int low = 10_000;
    int high = range[0] - 1;
    if (high - low < 1_000) { // an unusual range: use what lies above it instead
      low = range[1] + 1;
      high = 65_535;
    }
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(low, high + 1);
      if (GIVEN.add(port) && bindable(port)) {
        return port;
      }
    }
    throw new IOException("no free loopback port between " + low + " and " + high + " after 1000 tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int[] ephemeralRange() {
    try {
      String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {32_768, 60_999}; // Linux's default
    }
  }
}
