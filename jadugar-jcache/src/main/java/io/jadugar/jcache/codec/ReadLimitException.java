package io.jadugar.jcache.codec;

/** A read stopped because the stored value went beyond its {@link ReadLimits}: a corrupt entry. */
final class ReadLimitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ReadLimitException(String message) {
    super(message, null, false, false); // thrown deep inside serializers: no stack trace to fill
  }
}
