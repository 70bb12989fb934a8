package io.jadugar.jcache.store;

import io.jadugar.jcache.spi.StoreTraffic;
import java.util.concurrent.atomic.LongAdder;

/**
 * The round trips and failed requests of one cache's remote store, counted where the store sends and
 * where its failures are born; striped so that busy threads do not contend on one cache line.
 */
public final class StoreCounters {

  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder errors = new LongAdder();

  /** Counts {@code n} round trips about to be made. */
  public void sent(int n) {
    roundTrips.add(n);
  }

  /** Counts one request that failed or could not be sent. */
  public void failed() {
    errors.increment();
  }

  /** What was counted so far. */
  public StoreTraffic traffic() {
    return new StoreTraffic(roundTrips.sum(), errors.sum());
  }
}
