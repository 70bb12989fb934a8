package io.jadugar.extensions.writeback;

/** A dead letter as a journal keeps it: the change, the attempts it took, the last error, when. */
record DeadRecord(byte[] key, byte[] value, long version, int attempts, String error, long atMillis) {}
