package io.jadugar.jcache.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each address {@code PING} over a plain socket before Redisson connects to it, so that a
 * server that is not Redis (a memcached on the port, an HTTP server, one that says nothing) is named
 * as such within a second, rather than after Redisson's retries as a timeout.
 *
 * <p>Any RESP reply passes, errors included: a Redis that wants a password answers {@code -NOAUTH}.
 * An address that cannot be reached is left to Redisson, whose error names the cause. A
 * {@code rediss://} address is not checked: a plain PING would be a broken TLS handshake, and
 * Redisson's own handshake fails at once against a server that does not speak TLS.
 */
final class RedisProtocolCheck {

  private static final Logger LOG = LoggerFactory.getLogger(RedisProtocolCheck.class);

  /** A Redis answers PING at once, even one that wants a password or is loading its data. */
  private static final Duration PATIENCE = Duration.ofSeconds(1);
  /** How much of a foreign answer the error quotes. */
  private static final int QUOTE = 60;
  private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

  private RedisProtocolCheck() {}

  /** What one address said to PING. */
  private enum Verdict { REDIS, UNREACHABLE, SILENT, FOREIGN }

  /**
   * Checks {@code addresses} (one server, Cluster nodes or Sentinels, which {@code role} names:
   * {@code redis at}, {@code redis cluster node}, {@code redis sentinel}). An answer that is not RESP
   * fails at once; silence fails a single address, or a list in which no address answered as Redis
   * (Redisson copes with some listed nodes being down).
   */
  static void check(String role, List<String> addresses, Duration connectTimeout, Duration timeout) {
    int connectMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    int readMs = (int) Math.max(1, Math.min(PATIENCE.toMillis(), timeout.toMillis()));
    CacheException silent = null;
    boolean anyRedis = false;
    for (String address : addresses) {
      URI uri = URI.create(address);
      if ("rediss".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        anyRedis = true; // not checked: see the class comment
        continue;
      }
      String hostPort = uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
      StringBuilder answer = new StringBuilder();
      Verdict v = ask(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), connectMs, readMs, answer);
      switch (v) {
        case REDIS -> anyRedis = true;
        case FOREIGN -> throw new CacheException(role + " " + hostPort + " does not speak the Redis protocol: "
            + answer);
        case SILENT -> {
          if (silent == null) {
            silent = new CacheException(role + " " + hostPort + " does not speak the Redis protocol: " + answer
                + " (or it is a Redis that is not responding)");
          }
        }
        default -> LOG.debug("{} {} cannot be reached; Redisson will say why", role, hostPort);
      }
    }
    if (silent != null && (addresses.size() == 1 || !anyRedis)) {
      throw silent;
    }
  }

  /** Sends PING to host:port and sorts the answer; {@code answer} gets it in words when not Redis. */
  private static Verdict ask(String host, int port, int connectMs, int readMs, StringBuilder answer) {
    Socket socket = new Socket();
    try {
      try {
        socket.connect(new InetSocketAddress(host, port), connectMs);
      } catch (IOException | IllegalArgumentException e) {
        return Verdict.UNREACHABLE;
      }
      try {
        socket.setSoTimeout(readMs);
        OutputStream out = socket.getOutputStream();
        out.write(PING);
        out.flush();
        return sort(socket.getInputStream(), readMs, answer);
      } catch (IOException e) {
        answer.append("it closed the connection without answering PING (").append(e.getMessage()).append(')');
        return Verdict.FOREIGN;
      }
    } finally {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("Closing the check's socket to {}:{} failed", host, port, e);
      }
    }
  }

  private static Verdict sort(InputStream in, int readMs, StringBuilder answer) throws IOException {
    int first;
    try {
      first = in.read();
    } catch (SocketTimeoutException e) {
      answer.append("it gave no answer to PING within ").append(readMs).append(" ms");
      return Verdict.SILENT;
    }
    if (first < 0) {
      answer.append("it closed the connection without answering PING");
      return Verdict.FOREIGN;
    }
    // RESP2 types: simple string, error, integer, bulk string, array (-NOAUTH, -DENIED are Redis too)
    if ("+-:$*".indexOf(first) >= 0) {
      return Verdict.REDIS;
    }
    answer.append("to PING it answered \"").append(quote(first, in)).append('"');
    return Verdict.FOREIGN;
  }

  /** The first line of the answer (up to {@link #QUOTE} characters), unprintable bytes as {@code \xNN}. */
  private static String quote(int first, InputStream in) {
    StringBuilder b = new StringBuilder();
    int c = first;
    try {
      while (c >= 0 && c != '\r' && c != '\n' && b.length() < QUOTE) {
        b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\x%02x", c));
        c = in.available() > 0 ? in.read() : -1;
      }
    } catch (IOException e) {
      // what was read is enough to quote
    }
    return b.toString();
  }
}
