/**
 * Entry processors: the {@link javax.cache.processor.MutableEntry} an
 * {@link javax.cache.processor.EntryProcessor} works on, which records what the processor did so
 * that the engine can apply it atomically, and the results of {@code invokeAll}.
 */
package io.jadugar.jcache.processor;
