package io.jadugar.jcache.codec;

import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo input over a byte array that refuses a declared string or array length longer than the
 * bytes left to read it from, before anything is allocated: Kryo 5.6 would allocate the length
 * the bytes claim (a five-byte value asking for gigabytes).
 */
final class BoundedInput extends Input {

  /** A buffer kept for strings longer than this is dropped after the read, not pinned in the pool. */
  private static final int KEPT_CHARS = 64 * 1024;

  /** Drops a string buffer grown by a big value. */
  void release() {
    if (chars.length > KEPT_CHARS) {
      chars = new char[32];
    }
  }

  private void check(long length, int bytesEach) {
    long remaining = limit - position;
    if (length < 0 || length * bytesEach > remaining) {
      throw ReadLimits.truncated(length, remaining);
    }
  }

  /** Checks the length of a UTF-8 string header at the position, if it is one, without reading it. */
  private void checkString() {
    if (position < limit && readVarIntFlag()) {
      int start = position;
      int charCount = readVarIntFlag(true) - 1; // 0 is null, 1 is empty
      position = start;
      check(charCount, 1);
    }
  }

  @Override
  public String readString() {
    checkString();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkString();
    return super.readStringBuilder();
  }

  @Override
  public byte[] readBytes(int length) {
    check(length, 1);
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    check(length, 4);
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    check(length, 1);
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    check(length, 8);
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    check(length, 1);
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    check(length, 4);
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    check(length, 8);
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    check(length, 2);
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    check(length, 2);
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    check(length, 1);
    return super.readBooleans(length);
  }
}
