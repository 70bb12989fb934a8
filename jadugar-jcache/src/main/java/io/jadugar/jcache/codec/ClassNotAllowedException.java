package io.jadugar.jcache.codec;

import javax.cache.CacheException;

/** A class that stored bytes name but the deserialization allow-list does not allow. */
public final class ClassNotAllowedException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** Refuses {@code className}, saying which configuration key would allow it. */
  public ClassNotAllowedException(String className) {
    super("Class " + className + " is not allowed to be deserialized; add it (or its package "
        + "prefix, such as com.example.) to the configuration key '" + CodecSettings.ALLOW.key() + "'");
  }
}
