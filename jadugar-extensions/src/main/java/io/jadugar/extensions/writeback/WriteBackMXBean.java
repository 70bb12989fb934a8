package io.jadugar.extensions.writeback;

/**
 * A write-back over JMX, as {@code io.jadugar:type=WriteBack,name=<name>}: what {@link WriteBack#stats()}
 * tells, read when asked (from Redis for a journal there).
 */
public interface WriteBackMXBean {

  /** Keys with a change the writer has not taken. */
  long getPending();

  /** Of those, the keys in a batch at the writer. */
  long getInFlight();

  /** The age of the oldest change the writer has not taken, in ms; 0 when none. */
  long getOldestPendingAgeMillis();

  /** Failed attempts that were retried, since start. */
  long getRetries();

  /** Changes that became dead letters, since start. */
  long getDeadLettered();

  /** Dead letters held now. */
  long getDeadLetters();

  /** {@code writeAll} calls, since start. */
  long getWriteAllCalls();

  /** Mean entries per {@code writeAll} call. */
  double getEntriesPerWriteAll();
}
