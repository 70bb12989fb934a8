package io.jadugar.jcache.behaviour;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * The JUnit Platform side of {@link BehaviourStore}, registered through
 * {@code META-INF/services}: in a JVM whose {@value BehaviourStore#PROPERTY} names a
 * remote store it keeps only the behaviour tests (so {@code -Dtest=...} cannot run other
 * tests against that store), prints one line counting the behaviour tests of the run
 * (with each skipped test and its reason under it), and stops the store's servers when the launcher session ends.
 *
 * <p>The JUnit Platform makes one instance per service; they share nothing but the
 * static tally.
 */
public final class BehaviourRun implements LauncherSessionListener, TestExecutionListener,
    PostDiscoveryFilter {

  private static final String PACKAGE = BehaviourRun.class.getPackageName() + ".";

  private static final AtomicInteger RUN = new AtomicInteger();
  private static final AtomicInteger FAILED = new AtomicInteger();
  private static final AtomicInteger ABORTED = new AtomicInteger();
  private static final AtomicInteger SKIPPED = new AtomicInteger();
  /** Each skipped test with its reason, printed under the summary line. */
  private static final Queue<String> SKIPS = new ConcurrentLinkedQueue<>();

  /** For the service loader. */
  public BehaviourRun() {
  }

  // ---------------------------------------------------------------- PostDiscoveryFilter

  @Override
  public FilterResult apply(TestDescriptor descriptor) {
    if (!BehaviourStore.kind().remote() || isBehaviour(descriptor.getSource().orElse(null))) {
      return FilterResult.included("behaviour test, or not a run against a remote store");
    }
    return FilterResult.excluded(BehaviourStore.PROPERTY + "=" + BehaviourStore.kind().label
        + " runs only the tests under " + PACKAGE);
  }

  private static boolean isBehaviour(TestSource source) {
    String className;
    if (source instanceof MethodSource) {
      className = ((MethodSource) source).getClassName();
    } else if (source instanceof ClassSource) {
      className = ((ClassSource) source).getClassName();
    } else {
      return true; // an engine or other container: its tests are judged one by one
    }
    return className.startsWith(PACKAGE);
  }

  // ---------------------------------------------------------------- TestExecutionListener

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    if (test.isTest() && isBehaviour(test.getSource().orElse(null))) {
      RUN.incrementAndGet();
      SKIPPED.incrementAndGet();
      SKIPS.add(nameOf(test) + ": " + reason);
    }
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (!test.isTest() || !isBehaviour(test.getSource().orElse(null))) {
      return;
    }
    RUN.incrementAndGet();
    switch (result.getStatus()) {
      case FAILED:
        FAILED.incrementAndGet();
        break;
      case ABORTED:
        ABORTED.incrementAndGet();
        SKIPS.add(nameOf(test) + ": "
            + result.getThrowable().map(Throwable::getMessage).orElse("aborted")
                .replaceFirst("^Assumption failed: ", ""));
        break;
      default:
        break;
    }
  }

  private static String nameOf(TestIdentifier test) {
    TestSource source = test.getSource().orElse(null);
    if (source instanceof MethodSource) {
      MethodSource m = (MethodSource) source;
      String c = m.getClassName();
      return c.substring(c.lastIndexOf('.') + 1) + "." + m.getMethodName();
    }
    return test.getDisplayName();
  }

  // ---------------------------------------------------------------- LauncherSessionListener

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (RUN.get() > 0) {
      System.out.println("behaviour " + BehaviourStore.kind().label + ": " + RUN.get() + " run, "
          + FAILED.get() + " failed, " + (SKIPPED.get() + ABORTED.get()) + " skipped");
      SKIPS.forEach(skip -> System.out.println("  skipped " + skip));
    }
    BehaviourStore.stop();
  }
}
