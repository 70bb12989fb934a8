package io.jadugar.jcache.codec;

import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.spi.StoreFactory.Representation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds codecs from settings, as a cache manager does for a bytes store. */
final class CodecFixtures {

  private CodecFixtures() {}

  static Settings settings(String... keyValues) {
    List<Setting<?>> known = new ArrayList<>(CoreSettings.ALL);
    known.addAll(CodecSettings.ALL);
    Map<String, String> raw = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return Settings.of(known, raw);
  }

  static FrameCodec frames(String... keyValues) {
    return frames(Object.class, keyValues);
  }

  static FrameCodec frames(Class<?> valueType, String... keyValues) {
    EntryCodec c = Codecs.forCache(Representation.BYTES, true, settings(keyValues),
        CodecFixtures.class.getClassLoader(), Object.class, valueType);
    return (FrameCodec) c;
  }
}
