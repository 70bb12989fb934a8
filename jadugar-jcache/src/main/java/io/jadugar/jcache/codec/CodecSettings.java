package io.jadugar.jcache.codec;

import io.jadugar.jcache.configuration.Setting;
import java.util.List;
import java.util.Set;

/** The codec keys, per cache manager and per cache. */
public final class CodecSettings {

  /** {@code kryo} (default), {@code java}, {@code json}, {@code msgpack}, or a {@link Serializer} class. */
  public static final Setting<String> SERIALIZER = Setting.text("jadugar.serializer", "kryo");

  /** Extra classes and package prefixes (ending in {@code .}) that stored bytes may name, comma-separated. */
  public static final Setting<String> ALLOW = Setting.text("jadugar.serializer.allow", "");

  /** {@code lz4} (default), {@code gzip}, {@code deflate}, {@code brotli} or {@code none}. */
  public static final Setting<String> COMPRESSION = Setting.choice("jadugar.compression", "lz4",
      Set.of("lz4", "gzip", "deflate", "brotli", "none"));

  /** Serialized values smaller than this many bytes are stored uncompressed. */
  public static final Setting<Long> COMPRESSION_THRESHOLD =
      Setting.number("jadugar.compression.threshold", 1024L, 0);

  /**
   * The compressor's level: lz4 0 (fast, default) or 1-17 (HC); gzip and deflate 1-9 (default 6);
   * brotli 0-11 (default 4).
   */
  public static final Setting<Long> COMPRESSION_LEVEL = Setting.number("jadugar.compression.level", null, 0);

  /**
   * How deeply the objects of a stored value may nest: deeper is a corrupt entry. Deep enough for
   * real values, shallow enough that a hostile nesting is refused before it overflows a default
   * (1 MiB) thread stack, which can leave a JVM class unusable: Java serialization takes about 2 KiB
   * of stack per level of collections, and the application's own frames come first.
   */
  public static final Setting<Long> MAX_DEPTH = Setting.number("jadugar.serializer.max-depth", 250L, 1);

  /** How many objects and references one stored value may hold. */
  public static final Setting<Long> MAX_OBJECTS = Setting.number("jadugar.serializer.max-objects", 10_000_000L, 1);

  /** How many elements one array, collection or map of a stored value may declare. */
  public static final Setting<Long> MAX_ARRAY_LENGTH =
      Setting.number("jadugar.serializer.max-array-length", 10_000_000L, 0);

  /**
   * How long a stored value may be serialized, in bytes: a longer one is a corrupt entry, and
   * decompression stops as soon as its output would pass this. 16 MiB is far above what a cache
   * entry should hold (memcached's own default item limit is 1 MiB), and a decompression bomb then
   * costs a read what an honest 16 MiB value does: tens of milliseconds, twice that in allocation.
   */
  public static final Setting<Long> MAX_BYTES = Setting.number("jadugar.serializer.max-bytes", 16L << 20, 1);

  /**
   * How many objects hashing the set elements and map keys of a stored value may visit, per object
   * the value holds (a HashSet of sets that share nested sets would otherwise hash for ever).
   */
  public static final Setting<Long> MAX_HASH_WORK = Setting.number("jadugar.serializer.max-hash-work", 16L, 1);

  /** All of them. */
  public static final List<Setting<?>> ALL = List.of(SERIALIZER, ALLOW, COMPRESSION, COMPRESSION_THRESHOLD,
      COMPRESSION_LEVEL, MAX_DEPTH, MAX_OBJECTS, MAX_ARRAY_LENGTH, MAX_BYTES, MAX_HASH_WORK);

  private CodecSettings() {}
}
