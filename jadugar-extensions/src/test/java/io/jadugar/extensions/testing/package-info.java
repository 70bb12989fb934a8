/** Real servers for the extensions' tests: PostgreSQL, started from Debian's package on a loopback port. */
package io.jadugar.extensions.testing;
