package io.jadugar.jcache.expiry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecentClockTest {

  @Test
  void neverAheadOfTheSystemClockAndRefreshedEveryMillisecondOrSo() throws Exception {
    long[] lags = new long[400];
    for (int i = 0; i < lags.length; i++) {
      long before = System.currentTimeMillis();
      long recent = RecentClock.millis();
      long after = System.currentTimeMillis();
      assertTrue(recent <= after, "recent " + recent + " is ahead of the system clock " + after);
      lags[i] = before - recent;
      Thread.sleep(0, 500_000);
    }
    Arrays.sort(lags);
    // the refresher runs every millisecond: most readings are at most a couple of milliseconds old
    assertTrue(lags[lags.length / 2] <= 3, "median lag " + lags[lags.length / 2] + " ms: " + Arrays.toString(lags));
    assertTrue(RecentClock.refreshing());
  }

  @Test
  void theRefresherStopsWhenNobodyAsksAndStartsAgainWhenSomebodyDoes() throws Exception {
    RecentClock.millis();
    assertTrue(RecentClock.refreshing());
    // another test class in this JVM may be asking too: wait long enough for a quiet second
    long deadline = System.currentTimeMillis() + 30_000;
    while (RecentClock.refreshing() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(!RecentClock.refreshing(), "still refreshing after 30 s nobody asked here");
    long before = System.currentTimeMillis();
    long restarted = RecentClock.millis();
    assertTrue(restarted >= before, "the first reading after a stop is the system clock's");
    assertTrue(RecentClock.refreshing());
  }
}
