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

  /** All of them. */
  public static final List<Setting<?>> ALL =
      List.of(SERIALIZER, ALLOW, COMPRESSION, COMPRESSION_THRESHOLD, COMPRESSION_LEVEL);

  private CodecSettings() {}
}
