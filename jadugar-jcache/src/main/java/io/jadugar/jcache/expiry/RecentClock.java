package io.jadugar.jcache.expiry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The system time as a background thread last read it, refreshed every millisecond while anything
 * asks for it, and the thread gone after a second nobody did.
 *
 * <p>Why: an in-heap put takes 130–190 ns, and reading the system clock 25 ns of it; a write with a
 * time to live of its own needs a start for that time and nothing else needs the clock. This clock
 * is never ahead of the system clock, so an entry timed from it expires early by the refresh's lag
 * (a millisecond, more when the thread is not scheduled), never late: a read never sees a stale
 * entry. Only times to live long enough for that lag not to matter ({@link #MIN_TTL_MILLIS}) start here.
 */
public final class RecentClock {

  /** The shortest time to live that may start from this clock: shorter ones read the system clock. */
  public static final long MIN_TTL_MILLIS = 1_000;
  /** How often the thread reads the system clock. */
  static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** How long the thread refreshes after the last caller before it stops. */
  static final long IDLE_MILLIS = 1_000;

  /** The last reading, or 0 while no thread refreshes it. */
  private static volatile long millis;
  /** Whether anyone asked since the thread last looked. */
  private static volatile boolean asked;
  private static Thread refresher;

  private RecentClock() {}

  /** The system time at most a refresh (or the refresher's scheduling delay) ago, never ahead of it. */
  public static long millis() {
    long m = millis;
    if (m == 0) {
      return start();
    }
    if (!asked) {
      // a write only once per idle period: callers on every core must not share a written line
      asked = true;
    }
    return m;
  }

  /** Whether a thread refreshes the time now (for tests). */
  static synchronized boolean refreshing() {
    return refresher != null;
  }

  private static synchronized long start() {
    long now = System.currentTimeMillis();
    if (refresher == null) {
      asked = true;
      millis = now;
      refresher = new Thread(RecentClock::refresh, "jadugar-recent-clock");
      refresher.setDaemon(true);
      refresher.start();
    }
    return now;
  }

  private static void refresh() {
    long lookAt = System.currentTimeMillis() + IDLE_MILLIS;
    while (true) {
      LockSupport.parkNanos(REFRESH_NANOS);
      long now = System.currentTimeMillis();
      millis = now;
      if (now >= lookAt) {
        if (!asked && stopIfIdle()) {
          return;
        }
        asked = false;
        lookAt = now + IDLE_MILLIS;
      }
    }
  }

  private static synchronized boolean stopIfIdle() {
    if (asked) {
      return false;
    }
    millis = 0;
    refresher = null;
    return true;
  }
}
