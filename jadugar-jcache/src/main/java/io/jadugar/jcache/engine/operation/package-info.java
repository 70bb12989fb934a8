/**
 * The JSR-107 operations over the store: reads ({@link io.jadugar.jcache.engine.operation.Reads}),
 * single-key writes and entry processors, each one atomic {@code compute}
 * ({@link io.jadugar.jcache.engine.operation.Writes}), batch writes
 * ({@link io.jadugar.jcache.engine.operation.BatchWrites}), and the writer calls they make
 * ({@link io.jadugar.jcache.engine.operation.WriterCalls}). Each ends in the one completion step.
 * Internal to the engine: not an API.
 */
package io.jadugar.jcache.engine.operation;
