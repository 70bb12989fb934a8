package io.jadugar.jcache.testing;

import java.util.ArrayList;
import java.util.List;

/** Runs a body on several threads at once, as the concurrency tests do in each of their JVMs. */
public final class Threads {

  private Threads() {}

  /** What one thread runs; it gets its index, from 0. */
  @FunctionalInterface
  public interface Body {
    void run(int thread) throws Exception;
  }

  /**
   * Starts {@code threads} threads running {@code body}, waits for all of them, and then fails with
   * {@code failure}: the first error any of them threw, if one did.
   */
  public static void runAll(int threads, String failure, Body body) throws InterruptedException {
    List<Thread> all = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread th = new Thread(() -> {
        try {
          body.run(index);
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw new AssertionError(failure + ": " + errors.get(0), errors.get(0));
    }
  }
}
