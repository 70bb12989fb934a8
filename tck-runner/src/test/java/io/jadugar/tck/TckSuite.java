package io.jadugar.tck;

import org.junit.runner.notification.RunNotifier;
import org.junit.runners.Suite;
import org.junit.runners.model.InitializationError;
import org.junit.runners.model.RunnerBuilder;
import org.junit.runners.model.Statement;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * JUnit 4 runner that runs every TCK test class as a child, so surefire reports each TCK test, then prints
 * the one summary line for the store and checks the run as a whole.
 *
 * <p>System properties read: {@code jadugar.store} (required; names the store in the summary line and selects
 * it in the provider), {@code tck.jadugar.expectedTests} (the run must have exactly this many tests),
 * {@code tck.jadugar.provider} (the caching provider class the annotation tests must have used),
 * {@code tck.jadugar.label} (the name printed in the summary line when it is not the store's, such as
 * {@code redis-cluster}) and {@code tck.jadugar.redis} ({@code single} or {@code cluster}: start real
 * Redis servers on loopback for the run and point {@code jadugar.redis.*} at them), and
 * {@code tck.jadugar.memcachedServers} (see {@link StoreServers}).
 */
public final class TckSuite extends Suite {

  static {
    // The TCK and the RI log through java.util.logging; send it to slf4j-simple with the provider's logs.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  private final String store;

  /**
   * Called by JUnit for {@code @RunWith(TckSuite.class)}.
   *
   * @param suiteClass the annotated class
   * @param builder builds the runner of each TCK class (honours their own {@code @RunWith})
   * @throws InitializationError when a TCK class cannot be run
   */
  public TckSuite(Class<?> suiteClass, RunnerBuilder builder) throws InitializationError {
    super(builder, suiteClass, tckClasses());
    String label = System.getProperty("tck.jadugar.label");
    this.store = label == null || label.isBlank() ? requireStore() : label.trim();
  }

  private static Class<?>[] tckClasses() throws InitializationError {
    requireStore(); // before discovery: a missing store is the likelier mistake and cheaper to report
    return TckClassFinder.find().toArray(new Class<?>[0]);
  }

  private static String requireStore() throws InitializationError {
    String store = System.getProperty("jadugar.store");
    if (store == null || store.isBlank()) {
      // The summary line must name the store really tested, so never guess one.
      throw new InitializationError("System property jadugar.store is not set (surefire sets it per execution)");
    }
    return store;
  }

  @Override
  protected Statement classBlock(RunNotifier notifier) {
    Statement children = super.classBlock(notifier);
    return new Statement() {
      @Override
      public void evaluate() throws Throwable {
        TckTally tally = new TckTally();
        notifier.addListener(tally);
        try (AutoCloseable redis = RedisTckServers.startIfAsked();
            AutoCloseable memcached = StoreServers.startIfAsked();
            AutoCloseable hazelcast = HazelcastTckCluster.startIfAsked()) {
          children.evaluate();
        } finally {
          notifier.removeListener(tally);
          tally.report(store, System.out);
        }
        // Failures here are reported against JCacheTckTest itself and fail the build like a TCK test would.
        checkTestCount(tally.run());
        System.out.println("TCK annotation check with store " + store + ": "
            + AnnotationInterceptionProof.verify(System.getProperty("tck.jadugar.provider")));
      }
    };
  }

  private static void checkTestCount(int run) {
    String expected = System.getProperty("tck.jadugar.expectedTests");
    if (expected != null && Integer.parseInt(expected.trim()) != run) {
      throw new AssertionError("The TCK ran " + run + " tests, expected " + expected.trim()
          + ": TCK class discovery is broken");
    }
  }
}
