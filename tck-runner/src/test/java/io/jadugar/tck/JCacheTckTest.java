package io.jadugar.tck;

import org.junit.runner.RunWith;

/**
 * The only class surefire runs: {@link TckSuite} turns it into the whole TCK, so surefire's own
 * "Tests run" line counts the TCK's tests and tells failures (assertions) from errors.
 */
@RunWith(TckSuite.class)
public final class JCacheTckTest {

  private JCacheTckTest() {
  }
}
