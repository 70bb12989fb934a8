package io.jadugar.jcache.spi;

/**
 * What {@link Store#putRecorded} did: wrote the entry and made the record, answering the record's
 * reply; or nothing, because another operation holds the key's lock or the record declined.
 *
 * @param outcome which of the three
 * @param reply the record script's reply when written, else {@code null}
 */
public record RecordedWrite(Outcome outcome, Object reply) {

  /** Nothing written: the key's lock ({@link Store#lock}) is held. */
  public static final RecordedWrite LOCKED = new RecordedWrite(Outcome.LOCKED, null);

  /** Nothing written: the record's guard declined this store. */
  public static final RecordedWrite DECLINED = new RecordedWrite(Outcome.DECLINED, null);

  /** The three outcomes of a recorded write. */
  public enum Outcome {
    /** The entry and the record were written together. */
    WRITTEN,
    /** The key's lock is held by another operation: nothing written. */
    LOCKED,
    /** The record declined this store: nothing written. */
    DECLINED
  }
}
