package io.jadugar.jcache.codec;

import javax.cache.CacheException;

/** Stored bytes that are not a readable entry: the engine counts them as a miss. */
public final class CorruptEntryException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** Bytes that failed for {@code reason}. */
  public CorruptEntryException(String reason) {
    super(reason);
  }

  /** Bytes that failed for {@code reason}, because of {@code cause}. */
  public CorruptEntryException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
