package io.jadugar.jcache;

import java.time.Instant;

/**
 * Something JSR-107's four entry events do not tell, as {@link VendorEventListener}s hear it.
 *
 * @param type what happened
 * @param cache the cache's name
 * @param key the entry's key, or {@code null} where none applies (a store going down) or it could
 *     not be read
 * @param detail what failed or where (an address, a reason), for people to read
 * @param at when it happened
 */
public record VendorEvent(Type type, String cache, Object key, String detail, Instant at) {

  /** The kinds of vendor events. */
  public enum Type {
    /** The memory store dropped an entry to stay within its size or weight bound. */
    EVICTED,
    /** A stored entry did not decode; it counted as a miss and was dropped. */
    CORRUPT_ENTRY,
    /** The connection to a server of the store was lost. */
    STORE_DOWN,
    /** The connection to a server of the store is back. */
    STORE_UP
  }
}
