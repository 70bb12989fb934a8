/**
 * Runs the JSR-107 TCK (javax.cache:cache-tests 1.1.1) against the provider on the test classpath.
 *
 * <p>Surefire runs only {@link io.jadugar.tck.JCacheTckTest}; its runner {@link io.jadugar.tck.TckSuite}
 * finds the TCK classes in the cache-tests tests jar, runs them, prints one
 * {@code TCK <store>: <run> run, <failures> failed, <errors> errors, <skipped> skipped} line and checks
 * that the annotation tests really went through the provider.
 */
package io.jadugar.tck;
