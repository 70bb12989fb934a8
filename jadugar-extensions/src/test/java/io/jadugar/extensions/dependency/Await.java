package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Polling for what a rate-limited check makes true within its interval. */
final class Await {

  private Await() {}

  /**
   * Polls {@code read} until it returns {@code expected}; returns how long that took, or fails after
   * {@code limit} naming {@code what}.
   */
  static Duration until(String what, Supplier<?> read, Object expected, Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Object last;
    do {
      last = read.get();
      if (Objects.equals(last, expected)) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      sleep(20);
    } while (System.nanoTime() < deadline);
    return fail(what + ": still " + last + " after " + limit + ", expected " + expected);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
