/**
 * Fixtures for the extensions' tests: real servers (PostgreSQL, started from Debian's package on a
 * loopback port) and a clock a test moves.
 */
package io.jadugar.extensions.testing;
