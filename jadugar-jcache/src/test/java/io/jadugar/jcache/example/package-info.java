/** The quick-start example from the README, and the test that keeps it working. */
package io.jadugar.jcache.example;
