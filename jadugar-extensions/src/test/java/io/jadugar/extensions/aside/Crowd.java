package io.jadugar.extensions.aside;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Many callers of one call, started together: each thread waits at a gate, then calls once and
 * records what it got and when it returned (
 * {@code System.nanoTime()}, and wall-clock milliseconds to compare across JVMs of one machine). Used in the tests' JVM and in the workers.
 */
final class Crowd {

  /** What one caller got: a value or an error, and {@code System.nanoTime()} when the call returned. */
  record Outcome(Object value, Throwable error, long returnedAt, long returnedAtMillis) {}

  private Crowd() {}

  /** Runs {@code call} on {@code callers} threads released at once; waits at most {@code seconds} for all. */
  static List<Outcome> run(int callers, int seconds, Callable<?> call) throws InterruptedException {
    return run(callers, seconds, call, () -> {});
  }

  /** {@link #run(int, int, Callable)}, calling {@code opened} once every thread waits at the gate and it opens. */
  static List<Outcome> run(int callers, int seconds, Callable<?> call, Runnable opened) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(callers);
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch answered = new CountDownLatch(callers);
    // threads stay alive until every caller has its answer: a thread's exit costs about as much CPU as
    // its release, and on two cores the callers still waiting would be measured waiting for it
    CountDownLatch exit = new CountDownLatch(1);
    Outcome[] outcomes = new Outcome[callers];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      int index = i;
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          gate.await();
          Object v = call.call();
          outcomes[index] = new Outcome(v, null, System.nanoTime(), System.currentTimeMillis());
        } catch (Throwable e) {
          outcomes[index] = new Outcome(null, e, System.nanoTime(), System.currentTimeMillis());
        }
        answered.countDown();
        try {
          exit.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "caller-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    ready.await();
    gate.countDown();
    opened.run();
    boolean all = answered.await(seconds, TimeUnit.SECONDS);
    exit.countDown();
    if (!all) {
      for (int i = 0; i < callers; i++) {
        if (outcomes[i] == null) {
          throw new AssertionError(threads.get(i).getName() + " still waits after " + seconds + " s: a caller hangs");
        }
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    return List.of(outcomes);
  }
}
