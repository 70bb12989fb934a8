/** What a write-back costs a put, next to a plain put on the same store, and how full its batches get. */
package io.jadugar.benchmarks.writeback;
