package io.jadugar.extensions.writeback;

import java.time.Instant;

/**
 * A change the writer refused on every attempt: the key, the value ({@code null} for a removal), the
 * change's version, the attempts made, the last error and when it gave up. Replay it with
 * {@link WriteBack#replay(DeadLetter)}, drop it with {@link WriteBack#discard(DeadLetter)}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public record DeadLetter<K, V>(K key, V value, long version, int attempts, String error, Instant at) {

  /** Whether the change was a removal. */
  public boolean isRemoval() {
    return value == null;
  }
}
