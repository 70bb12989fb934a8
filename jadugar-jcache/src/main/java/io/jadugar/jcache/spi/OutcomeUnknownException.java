package io.jadugar.jcache.spi;

import javax.cache.CacheException;

/**
 * A write the store was sent but did not confirm (a timeout, a cancelled or dropped request): it
 * may or may not have been stored, so the caller must not take it as failed.
 */
public final class OutcomeUnknownException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** A write whose outcome is unknown, for {@code reason}, because of {@code cause}. */
  public OutcomeUnknownException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
