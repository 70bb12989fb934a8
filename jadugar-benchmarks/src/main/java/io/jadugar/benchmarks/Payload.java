package io.jadugar.benchmarks;

import java.io.Serializable;

/**
 * The small value every benchmark stores: an application type, so store-by-value providers really
 * copy it (none of them treats it as an immutable JDK type it could share).
 */
public final class Payload implements Serializable {

  private static final long serialVersionUID = 1L;

  /** A counter, incremented by the invoke benchmark. */
  public final long count;
  /** A second field so that the object is not a bare box. */
  public final int version;

  /** A payload with the given fields. */
  public Payload(long count, int version) {
    this.count = count;
    this.version = version;
  }

  /** This payload with the counter incremented. */
  public Payload incremented() {
    return new Payload(count + 1, version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload && ((Payload) o).count == count && ((Payload) o).version == version;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + version;
  }
}
