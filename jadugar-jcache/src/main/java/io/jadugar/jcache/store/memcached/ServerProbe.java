package io.jadugar.jcache.store.memcached;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Asks one server for its {@code version} on a plain socket, with a short timeout: the client
 * library connects in the background and waits a whole operation timeout for an answer it cannot
 * parse, so an unreachable server, or one that speaks another protocol (a Redis on the port), is
 * named here at once instead.
 *
 * @param server the server asked
 * @param problem what went wrong, or {@code null} when it answered as memcached does
 * @param foreign whether it answered, but not as memcached (a configuration error, not an outage);
 *     silence counts as an outage, since a stalled memcached is silent too
 */
record ServerProbe(InetSocketAddress server, String problem, boolean foreign) {

  private static final int MAX_REPLY = 200;

  /** Whether the server answered {@code version} as memcached does. */
  boolean ok() {
    return problem == null;
  }

  /** Connects to {@code server}, sends {@code version} and reads the first line of the reply. */
  static ServerProbe probe(InetSocketAddress server, int timeoutMillis) {
    String name = MemcachedConnection.describe(server);
    if (server.isUnresolved()) {
      return new ServerProbe(server, name + ": unknown host", false);
    }
    try (Socket s = new Socket()) {
      s.connect(server, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply;
      try {
        reply = firstLine(s.getInputStream());
      } catch (SocketTimeoutException e) {
        return new ServerProbe(server, name + " accepted the connection but answered nothing to 'version' within "
            + timeoutMillis + " ms: it does not speak the memcached protocol, or it is stalled", false);
      }
      if (reply.startsWith("VERSION ")) {
        return new ServerProbe(server, null, false);
      }
      return new ServerProbe(server, name + " does not speak the memcached protocol: it answered "
          + (reply.isEmpty() ? "nothing (it closed the connection)" : "'" + printable(reply) + "'")
          + " to 'version'", true);
    } catch (IOException e) {
      return new ServerProbe(server, name + " is not reachable: " + e.getMessage(), false);
    }
  }

  /** The reply up to its first line end, at most {@link #MAX_REPLY} bytes; empty if closed at once. */
  private static String firstLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (line.length() < MAX_REPLY) {
      int b = in.read();
      if (b < 0 || b == '\n') {
        break;
      }
      line.append((char) b);
    }
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
