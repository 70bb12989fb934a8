package io.jadugar.jcache.spi;

/**
 * Hears a store's servers go away and come back: a connection lost, and restored. Called on a
 * thread of Jadugar's, never on the client's I/O thread, one event at a time per store client; an
 * exception it throws is logged and dropped. It should return quickly: the next event waits for it.
 */
public interface StoreStateListener {

  /** The connection to the server at {@code address} ({@code host:port}) was lost, for {@code cause} (may be null). */
  void down(String address, Throwable cause);

  /** The connection to the server at {@code address} ({@code host:port}) is back. */
  void up(String address);
}
