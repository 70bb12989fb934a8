package io.jadugar.jcache.spi;

/**
 * The memory behind one cache as its store can tell it, read when asked for, never on an
 * operation's path; a figure the store cannot tell (or could not read in time) is {@code null}.
 *
 * @param estimatedBytes an estimate of the heap this cache's entries take in this JVM (an embedded
 *     store), or {@code null}
 * @param serverBytes what the servers report as their memory in use, summed over the servers (or
 *     masters) the cache's store uses: a server-wide figure, shared with whatever else they hold,
 *     or {@code null} if some server did not answer in time
 */
public record StoreMemory(Long estimatedBytes, Long serverBytes) {

  /** Nothing known. */
  public static final StoreMemory UNKNOWN = new StoreMemory(null, null);
}
