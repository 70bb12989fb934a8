/** What a tag costs a read, next to the same read of an untagged entry, per store. */
package io.jadugar.benchmarks.tags;
