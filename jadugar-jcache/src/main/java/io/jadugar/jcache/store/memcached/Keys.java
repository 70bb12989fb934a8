package io.jadugar.jcache.store.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Memcached keys: {@code <prefix><cache>:<generation>:<key>}, at most 250 bytes of printable
 * ASCII. A key that does not fit, or holds spaces, control characters or non-ASCII bytes, becomes
 * {@code #} and the base64url SHA-256 of its bytes; the original then travels in the value.
 */
final class Keys {

  /** Memcached's longest key. */
  static final int MAX_KEY = 250;
  /** Marks a hashed key; an engine key's first byte is a type tag letter, never this. */
  static final char HASHED = '#';

  private Keys() {}

  /** The namespace of a cache: the prefix and the cache name, made safe and short when needed. */
  static String namespace(String prefix, String cacheName) {
    String name = isPlain(cacheName, 64) && cacheName.indexOf(':') < 0 ? cacheName
        : "~" + hash(cacheName.getBytes(StandardCharsets.UTF_8)).substring(0, 22);
    String ns = prefix + name;
    if (!isPlain(ns, 120)) {
      ns = "~" + hash(ns.getBytes(StandardCharsets.UTF_8)).substring(0, 22);
    }
    return ns;
  }

  /** The suffix for {@code key} after a {@code prefixLength}-character prefix; hashed if needed. */
  static String encode(byte[] key, int prefixLength) {
    if (key.length > 0 && key[0] != HASHED && prefixLength + key.length <= MAX_KEY) {
      boolean plain = true;
      for (byte b : key) {
        if (b < 0x21 || b > 0x7e) {
          plain = false;
          break;
        }
      }
      if (plain) {
        return new String(key, StandardCharsets.US_ASCII);
      }
    }
    return HASHED + hash(key);
  }

  /** Whether {@code suffix} is a hashed key, whose original lives in the value. */
  static boolean isHashed(String suffix) {
    return !suffix.isEmpty() && suffix.charAt(0) == HASHED;
  }

  private static boolean isPlain(String s, int max) {
    if (s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
