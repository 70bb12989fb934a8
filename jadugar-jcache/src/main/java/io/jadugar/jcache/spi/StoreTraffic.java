package io.jadugar.jcache.spi;

/**
 * What a store exchanged with its servers for one cache since it opened: counted on the calling
 * thread as the requests go out, cheaply (striped counters), whether or not statistics are enabled.
 *
 * @param roundTrips exchanges with a server: one request, or requests sent together to one server
 *     and answered together (a batch, a pipeline, a multi-get) count one per server they reach
 * @param errors requests that failed or could not be sent: refused, timed out, not confirmed
 *     (outcome unknown), the server known to be down, the cache manager disconnected
 */
public record StoreTraffic(long roundTrips, long errors) {

  /** Nothing exchanged: an embedded store, or a store that does not count. */
  public static final StoreTraffic NONE = new StoreTraffic(0, 0);
}
