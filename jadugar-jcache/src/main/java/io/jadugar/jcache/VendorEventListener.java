package io.jadugar.jcache;

/**
 * Hears {@link VendorEvent}s of a cache. It is called on another thread, after the operation that
 * caused the event: it can neither block nor fail that operation; what it throws is logged.
 */
@FunctionalInterface
public interface VendorEventListener {

  /** Hears {@code event}. */
  void onEvent(VendorEvent event);
}
