package io.jadugar.jcache;

import java.util.Map;

/**
 * A {@code CacheWriter} that reports on its own work, such as a write-back's pending changes, their
 * age, retries and dead letters: {@link JadugarCache#metrics} carries what it reports, under
 * {@link MetricsSnapshot#writer}.
 */
public interface WriterMetrics {

  /** Named counts and gauges now; asked when a snapshot is taken, never on an operation's path. */
  Map<String, Long> writerMetrics();
}
