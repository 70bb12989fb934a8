package io.jadugar.jcache.codec;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.copy.ReferenceCodec;
import io.jadugar.jcache.copy.ValueCopyCodec;
import io.jadugar.jcache.spi.StoreFactory.Representation;
import java.util.Arrays;
import java.util.Locale;

/** Builds a cache's codec from its settings, with clear errors for what is missing. */
public final class Codecs {

  private Codecs() {}

  /**
   * The codec of a cache: the identity for store-by-reference in an object store, serialized
   * private copies for store-by-value in an object store (in-process, so no allow-list), frames
   * for a bytes store.
   */
  public static EntryCodec forCache(Representation representation, boolean storeByValue,
      Settings settings, ClassLoader classLoader, Class<?> keyType, Class<?> valueType) {
    if (representation == Representation.OBJECTS) {
      if (!storeByValue) {
        return ReferenceCodec.INSTANCE;
      }
      return new ValueCopyCodec(serialization(settings, classLoader, null, null));
    }
    ClassAllowList allowList = ClassAllowList.of(
        Arrays.asList(settings.get(CodecSettings.ALLOW).split(",")), keyType, valueType);
    ReadLimits limits = ReadLimits.of(settings);
    return new FrameCodec(serialization(settings, classLoader, allowList, limits),
        compressor(settings), settings.get(CodecSettings.COMPRESSION_THRESHOLD).intValue(),
        Codecs::decompressor, valueType, allowList, limits.maxBytes());
  }

  /** Reads of stored bytes stay within {@code limits}; {@code null} (in-process copies) for none. */
  static Serialization serialization(Settings settings, ClassLoader loader, ClassAllowList allowList, ReadLimits limits) {
    Serializer writer = serializer(settings.get(CodecSettings.SERIALIZER), loader, allowList, limits);
    return new Serialization(writer, id -> builtIn(id, loader, allowList, limits));
  }

  /** The serializer named {@code name}, reading within the default limits unless {@code allowList} is null. */
  static Serializer serializer(String name, ClassLoader loader, ClassAllowList allowList) {
    return serializer(name, loader, allowList, allowList == null ? null : ReadLimits.DEFAULTS);
  }

  /** The serializer named {@code name}: a built-in one or a class. */
  static Serializer serializer(String name, ClassLoader loader, ClassAllowList allowList, ReadLimits limits) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "kryo": return new KryoSerializer(loader, allowList, limits);
      case "java": return new JavaSerializer(loader, allowList, limits);
      case "json":
        require("com.fasterxml.jackson.databind.ObjectMapper", "json", "com.fasterxml.jackson.core:jackson-databind");
        return JacksonSerializer.json(loader, allowList, limits);
      case "msgpack":
        require("com.fasterxml.jackson.databind.ObjectMapper", "msgpack", "com.fasterxml.jackson.core:jackson-databind");
        require("org.msgpack.jackson.dataformat.MessagePackFactory", "msgpack", "org.msgpack:jackson-dataformat-msgpack");
        return JacksonSerializer.msgpack(loader, allowList, limits);
      default:
        return custom(name.trim(), loader, allowList);
    }
  }

  private static Serializer custom(String className, ClassLoader loader, ClassAllowList allowList) {
    Serializer s;
    try {
      Class<?> c = Class.forName(className, true, loader);
      try {
        s = (Serializer) c.getConstructor(ClassAllowList.class).newInstance(allowList);
      } catch (NoSuchMethodException e) {
        s = (Serializer) c.getConstructor().newInstance();
      }
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new ConfigurationException("Bad value '" + className + "' for configuration key '"
          + CodecSettings.SERIALIZER.key() + "': expected kryo, java, json, msgpack, or a class implementing "
          + Serializer.class.getName() + " with a public constructor (" + e + ")", e);
    }
    if (s.id() >= 0 && s.id() < 64) {
      throw new ConfigurationException("Serializer " + className + " has id " + s.id()
          + "; ids below 64 are Jadugar's own");
    }
    return s;
  }

  /** The built-in serializer with frame id {@code id}, or null if unknown or not on the class path. */
  private static Serializer builtIn(byte id, ClassLoader loader, ClassAllowList allowList, ReadLimits limits) {
    try {
      switch (id) {
        case KryoSerializer.ID: return serializer("kryo", loader, allowList, limits);
        case JavaSerializer.ID: return serializer("java", loader, allowList, limits);
        case JacksonSerializer.JSON_ID: return serializer("json", loader, allowList, limits);
        case JacksonSerializer.MSGPACK_ID: return serializer("msgpack", loader, allowList, limits);
        default: return null;
      }
    } catch (ConfigurationException e) {
      return null;
    }
  }

  /** The configured compressor, or {@code null} for none. */
  static Compressor compressor(Settings settings) {
    String name = settings.get(CodecSettings.COMPRESSION);
    Long level = settings.get(CodecSettings.COMPRESSION_LEVEL);
    switch (name) {
      case "none": return null;
      case "lz4": return new Lz4Compressor(level(level, 0, 0, 17));
      case "gzip": return new DeflateCompressor(true, level(level, 6, 1, 9));
      case "deflate": return new DeflateCompressor(false, level(level, 6, 1, 9));
      case "brotli":
        require("com.aayushatharva.brotli4j.Brotli4jLoader", "brotli compression",
            "com.aayushatharva.brotli4j:brotli4j and its native-<platform> artifact");
        return BrotliCompressor.create(level(level, 4, 0, 11));
      default: throw new AssertionError(name);
    }
  }

  /** A compressor able to read frames with {@code id}, or null. */
  static Compressor decompressor(byte id) {
    switch (id) {
      case Lz4Compressor.ID: return LZ4;
      case DeflateCompressor.GZIP_ID: return GZIP;
      case DeflateCompressor.DEFLATE_ID: return DEFLATE;
      case BrotliCompressor.ID:
        try {
          Class.forName("com.aayushatharva.brotli4j.Brotli4jLoader");
          return BrotliCompressor.create(0);
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
          return null;
        }
      default: return null;
    }
  }

  private static final Compressor LZ4 = new Lz4Compressor(0);
  private static final Compressor GZIP = new DeflateCompressor(true, 6);
  private static final Compressor DEFLATE = new DeflateCompressor(false, 6);

  private static int level(Long level, int dflt, int min, int max) {
    if (level == null) {
      return dflt;
    }
    if (level < min || level > max) {
      throw new ConfigurationException("Bad value '" + level + "' for configuration key '"
          + CodecSettings.COMPRESSION_LEVEL.key() + "': expected " + min + " to " + max + " for this compressor");
    }
    return level.intValue();
  }

  // optional libraries are only touched through factory methods typed by our interfaces, so that
  // loading this class never needs them
  private static void require(String className, String what, String coordinates) {
    try {
      Class.forName(className, false, Codecs.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException(what + " needs " + coordinates + " on the class path");
    }
  }
}
