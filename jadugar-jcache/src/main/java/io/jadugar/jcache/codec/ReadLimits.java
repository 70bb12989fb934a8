package io.jadugar.jcache.codec;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;

/**
 * How much work reading one stored value may do. Stored bytes may come from anybody who can write
 * to the store, so every serializer stops a read that goes beyond these, and the value is then a
 * corrupt entry: a miss, never a thread stuck for ever or a heap filled by a few bytes.
 *
 * @param maxDepth how deeply objects may nest
 * @param maxObjects how many objects and references one value may hold
 * @param maxArrayLength how many elements one array, collection or map may declare
 * @param maxBytes how long a serialized value (decompressed) may be
 * @param hashWorkPerObject how many objects hashing may visit per object read (see {@link HashBudget})
 */
public record ReadLimits(int maxDepth, long maxObjects, int maxArrayLength, int maxBytes, long hashWorkPerObject) {

  /** The defaults of the {@link CodecSettings} keys. */
  public static final ReadLimits DEFAULTS = new ReadLimits(
      clamp(CodecSettings.MAX_DEPTH.defaultValue()), CodecSettings.MAX_OBJECTS.defaultValue(),
      clamp(CodecSettings.MAX_ARRAY_LENGTH.defaultValue()), clamp(CodecSettings.MAX_BYTES.defaultValue()),
      CodecSettings.MAX_HASH_WORK.defaultValue());

  /** The limits {@code settings} give. */
  public static ReadLimits of(Settings settings) {
    return new ReadLimits(clamp(settings.get(CodecSettings.MAX_DEPTH)), settings.get(CodecSettings.MAX_OBJECTS),
        clamp(settings.get(CodecSettings.MAX_ARRAY_LENGTH)), clamp(settings.get(CodecSettings.MAX_BYTES)),
        settings.get(CodecSettings.MAX_HASH_WORK));
  }

  private static int clamp(long v) {
    return (int) Math.min(v, Integer.MAX_VALUE - 8); // the largest array a JVM allocates
  }

  ReadLimitException tooDeep() {
    return exceeded("nests deeper than " + maxDepth + " objects", CodecSettings.MAX_DEPTH);
  }

  ReadLimitException tooManyObjects() {
    return exceeded("holds more than " + maxObjects + " objects and references", CodecSettings.MAX_OBJECTS);
  }

  ReadLimitException tooLong(long length) {
    return exceeded("declares an array, collection or map of " + length + " elements, more than "
        + maxArrayLength, CodecSettings.MAX_ARRAY_LENGTH);
  }

  ReadLimitException tooBig(long length) {
    return exceeded("is " + (length > maxBytes ? length + " bytes" : "longer than that") + " serialized, more than "
        + maxBytes, CodecSettings.MAX_BYTES);
  }

  ReadLimitException tooMuchHashing() {
    return exceeded("would make hashing its set elements and map keys visit more than " + hashWorkPerObject
        + " objects per object it holds (shared nested collections used as keys)", CodecSettings.MAX_HASH_WORK);
  }

  /** A declared length that cannot be right: longer than the bytes left to read it from. */
  static ReadLimitException truncated(long length, long remaining) {
    return new ReadLimitException("stored value declares " + length + " elements but only " + remaining
        + " bytes remain");
  }

  private static ReadLimitException exceeded(String what, Setting<?> key) {
    return new ReadLimitException("stored value " + what + " (" + key.key() + ")");
  }
}
