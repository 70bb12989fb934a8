package io.jadugar.tck;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.runner.Description;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunListener;

/**
 * Counts a TCK run the way surefire does, which JUnit 4's {@code Result} cannot: it lumps failures and errors.
 *
 * <p>A test fails when its first throwable is an {@link AssertionError}, and is in error otherwise. "Run" counts
 * every test reported, skipped ones included; a class-level failure (e.g. a failing {@code @BeforeClass}) counts
 * as one run test in error. Tests the ExcludeList excludes pass, so they count as run.
 */
@RunListener.ThreadSafe
final class TckTally extends RunListener {

  /** Most frames printed per throwable: enough to reach the provider frames under a TCK assertion. */
  private static final int FRAMES = 12;
  /** Frames printed per "Caused by". */
  private static final int CAUSE_FRAMES = 4;

  private final Set<Description> started = new LinkedHashSet<>();
  private final Map<Description, Failure> firstFailures = new LinkedHashMap<>();
  private final Set<Description> assumptionFailures = new LinkedHashSet<>();
  private int ignored;

  @Override
  public synchronized void testStarted(Description description) {
    started.add(description);
  }

  @Override
  public synchronized void testFailure(Failure failure) {
    // Keep the first: later ones for the same test (e.g. from @After) are usually consequences.
    firstFailures.putIfAbsent(failure.getDescription(), failure);
  }

  @Override
  public synchronized void testAssumptionFailure(Failure failure) {
    assumptionFailures.add(failure.getDescription());
  }

  @Override
  public synchronized void testIgnored(Description description) {
    ignored++;
  }

  /** @return tests reported, including failed, in error and skipped */
  synchronized int run() {
    int notStarted = 0;
    for (Description d : firstFailures.keySet()) {
      if (!started.contains(d)) {
        notStarted++;
      }
    }
    return started.size() + ignored + notStarted;
  }

  /** @return tests whose first throwable was an assertion */
  synchronized int failed() {
    return (int) firstFailures.values().stream().filter(TckTally::isAssertion).count();
  }

  /** @return tests whose first throwable was anything else */
  synchronized int errors() {
    return firstFailures.size() - failed();
  }

  /** @return ignored tests plus tests stopped by a failed assumption */
  synchronized int skipped() {
    int skippedAssumptions = 0;
    for (Description d : assumptionFailures) {
      if (!firstFailures.containsKey(d)) {
        skippedAssumptions++;
      }
    }
    return ignored + skippedAssumptions;
  }

  /**
   * Prints every failing test with the head of its stack trace, then the one summary line.
   *
   * @param store the store name the summary line carries
   * @param out where to print
   */
  synchronized void report(String store, PrintStream out) {
    if (!firstFailures.isEmpty()) {
      out.println("TCK failures with store " + store + " (" + firstFailures.size() + "):");
      for (Failure failure : firstFailures.values()) {
        Description d = failure.getDescription();
        String name = d.getMethodName() == null ? d.getClassName() : d.getClassName() + "#" + d.getMethodName();
        out.println("  [" + (isAssertion(failure) ? "failure" : "error") + "] " + name);
        printThrowable(failure.getException(), out);
      }
    }
    out.println(summaryLine(store));
    out.flush();
  }

  /** @return the exact line the build reports for this store */
  synchronized String summaryLine(String store) {
    return "TCK " + store + ": " + run() + " run, " + failed() + " failed, " + errors() + " errors, "
        + skipped() + " skipped";
  }

  private static boolean isAssertion(Failure failure) {
    return failure.getException() instanceof AssertionError;
  }

  private static void printThrowable(Throwable t, PrintStream out) {
    out.println("      " + t);
    printFrames(t, FRAMES, out);
    Set<Throwable> seen = new LinkedHashSet<>();
    seen.add(t);
    for (Throwable cause = t.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
      out.println("      Caused by: " + cause);
      printFrames(cause, CAUSE_FRAMES, out);
    }
  }

  private static void printFrames(Throwable t, int limit, PrintStream out) {
    StackTraceElement[] frames = t.getStackTrace();
    int printed = 0;
    for (StackTraceElement frame : frames) {
      // The first reflection/JUnit frame below the test's own frames is where the runner begins: stop there.
      if (printed == limit || (isPlumbing(frame) && printed > 0)) {
        break;
      }
      if (!isPlumbing(frame)) {
        out.println("        at " + frame);
        printed++;
      }
    }
    if (frames.length > printed) {
      out.println("        ... " + (frames.length - printed) + " more");
    }
  }

  /** Frames of reflection and of JUnit's runners say nothing about the provider. */
  private static boolean isPlumbing(StackTraceElement frame) {
    String c = frame.getClassName();
    return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
        || c.startsWith("org.junit.runners.") || c.startsWith("org.junit.internal.runners.")
        || c.startsWith("org.junit.rules.") || c.startsWith("org.apache.maven.surefire.");
  }
}
