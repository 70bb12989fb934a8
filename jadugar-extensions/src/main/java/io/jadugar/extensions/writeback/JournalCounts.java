package io.jadugar.extensions.writeback;

/** What a journal holds now: keys with a change not yet taken, of which in flight, the oldest's append time, dead letters. */
record JournalCounts(long pending, long inFlight, long oldestMillis, long deadLetters) {}
