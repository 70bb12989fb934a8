package io.jadugar.jcache.processor;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The outcome of one entry processor in {@code invokeAll}: its result or its exception.
 *
 * @param <T> the result type
 */
public final class ProcessorResult<T> implements EntryProcessorResult<T> {

  private final T result;
  private final EntryProcessorException failure;

  private ProcessorResult(T result, EntryProcessorException failure) {
    this.result = result;
    this.failure = failure;
  }

  /** A successful result. */
  public static <T> ProcessorResult<T> of(T result) {
    return new ProcessorResult<>(result, null);
  }

  /** A failure, wrapped in {@link EntryProcessorException} unless it already is one. */
  public static <T> ProcessorResult<T> failed(Throwable t) {
    return new ProcessorResult<>(null, t instanceof EntryProcessorException
        ? (EntryProcessorException) t : new EntryProcessorException(t));
  }

  @Override
  public T get() {
    if (failure != null) {
      throw failure;
    }
    return result;
  }
}
