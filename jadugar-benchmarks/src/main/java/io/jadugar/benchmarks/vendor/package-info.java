/** What Jadugar's own interface costs next to the standard one, on the same cache. */
package io.jadugar.benchmarks.vendor;
