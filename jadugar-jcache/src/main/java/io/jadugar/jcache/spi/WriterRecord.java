package io.jadugar.jcache.spi;

import java.util.List;

/**
 * A change a {@link JournalingWriter} keeps on the cache's own store, made by the store in the same
 * atomic step as an entry's write ({@link Store#putRecorded}): a Lua script for a Redis server, with
 * its own {@code keys} and {@code args} as its {@code KEYS} and {@code ARGV}. The script answers
 * {@code false} to decline (its guard says the store is not where the writer keeps its records):
 * the store then writes nothing.
 *
 * @param script the Lua script's text
 * @param keys the script's {@code KEYS}
 * @param args the script's {@code ARGV}
 */
public record WriterRecord(String script, List<String> keys, List<byte[]> args) {

  /** A record of these parts, as given. */
  public WriterRecord {
    keys = List.copyOf(keys);
    args = List.copyOf(args);
  }
}
