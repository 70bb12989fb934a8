package io.jadugar.jcache.configuration;

import javax.cache.CacheException;

/** A configuration key or value that Jadugar does not accept. */
public final class ConfigurationException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** An error with a message that says what is wrong and what is allowed. */
  public ConfigurationException(String message) {
    super(message);
  }

  /** An error caused by {@code cause}. */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
