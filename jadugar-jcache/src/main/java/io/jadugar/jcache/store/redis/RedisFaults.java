package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.spi.OutcomeUnknownException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.cache.CacheException;
import javax.net.ssl.SSLException;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisTimeoutException;

/** Turns Redisson's and Netty's exceptions into errors that say which server and what went wrong. */
final class RedisFaults {

  private RedisFaults() {}

  /** The error of a cache manager that cannot reach its Redis at start-up. */
  static CacheException startup(String where, Throwable e) {
    return new CacheException(where + " " + cause(e) + " (at start-up): " + detail(e), e);
  }

  /** The error of one operation that Redis did not complete. */
  static CacheException operation(String where, String op, Throwable e) {
    if (e instanceof CacheException) {
      return (CacheException) e;
    }
    return new CacheException(where + " " + cause(e) + " during " + op + ": " + detail(e), e);
  }

  /**
   * The error of a write that Redis did not complete. A write that timed out or was cancelled was
   * sent and may have been applied, so it is reported as such, never as failed.
   */
  static CacheException write(String where, String op, Throwable e) {
    if (e instanceof CacheException) {
      return (CacheException) e;
    }
    if (unconfirmed(e)) {
      return new OutcomeUnknownException(where + " did not confirm " + op + " in time: the write may or may not "
          + "have been stored (" + detail(e) + ")", e);
    }
    return operation(where, op, e);
  }

  /** Whether a command timed out waiting for its answer or was cancelled: sent, but not confirmed. */
  private static boolean unconfirmed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RedisTimeoutException) {
        // no free connection within the timeout: the command never left this JVM
        return !String.valueOf(t.getMessage()).startsWith("Unable to acquire connection");
      }
      if (t instanceof CancellationException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** What went wrong, in words: refused, timed out, authentication or TLS failed. */
  static String cause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
      if (t instanceof SSLException || m.contains("SSL") || m.contains("TLS") || m.contains("HANDSHAKE")
          || m.contains("CERTIFICATE")) {
        return "failed the TLS handshake";
      }
      if (t instanceof RedisAuthRequiredException || m.contains("WRONGPASS") || m.contains("NOAUTH")
          || m.contains("NOPERM") || m.contains("INVALID PASSWORD") || m.contains("AUTH")) {
        return "refused authentication";
      }
      if (t instanceof ConnectException || m.contains("CONNECTION REFUSED")) {
        return "refused the connection";
      }
      if (t instanceof UnknownHostException) {
        return "is an unknown host";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof RedisTimeoutException || m.contains("timed out") || m.contains("timeout")) {
        return "timed out";
      }
    }
    return "failed";
  }

  private static String detail(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }
}
