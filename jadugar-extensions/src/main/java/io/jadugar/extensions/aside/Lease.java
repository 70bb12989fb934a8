package io.jadugar.extensions.aside;

/**
 * A lease record as the companion cache holds it: {@code "L <token>"} while its holder loads,
 * {@code "F <token> <message>"} once its load failed (kept briefly, so that waiters in other JVMs
 * hear of the failure instead of waiting for the lease to end).
 *
 * @param token the holder's random token: which load this is
 * @param failure the failure's description, or {@code null} while loading
 */
record Lease(String token, String failure) {

  /** The longest failure description kept in a record: enough to name the error. */
  static final int MAX_FAILURE = 1000;

  /** A lease held by the load of {@code token}. */
  static Lease loading(String token) {
    return new Lease(token, null);
  }

  /** The record of the load of {@code token}, which failed with {@code error}. */
  static Lease failed(String token, Throwable error) {
    String d = String.valueOf(error);
    return new Lease(token, d.length() > MAX_FAILURE ? d.substring(0, MAX_FAILURE) : d);
  }

  /** Whether its load failed. */
  boolean isFailed() {
    return failure != null;
  }

  /** The record's text. */
  String format() {
    return failure == null ? "L " + token : "F " + token + " " + failure;
  }

  /** The lease of record {@code text}, or {@code null} for none (or one this code did not write). */
  static Lease parse(String text) {
    if (text == null || text.length() < 3 || text.charAt(1) != ' ') {
      return null;
    }
    if (text.charAt(0) == 'L') {
      return loading(text.substring(2));
    }
    if (text.charAt(0) == 'F') {
      int sp = text.indexOf(' ', 2);
      return sp < 0 ? new Lease(text.substring(2), "") : new Lease(text.substring(2, sp), text.substring(sp + 1));
    }
    return null;
  }
}
