package io.jadugar.extensions.dependency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers: file contents, query results and marker keys are fingerprinted with it. */
final class Hashes {

  private Hashes() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Hex SHA-256 of the UTF-8 strings, each length-prefixed so that ("ab","c") and ("a","bc") differ. */
  static String of(Iterable<String> parts) {
    MessageDigest md = sha256();
    for (String p : parts) {
      update(md, p);
    }
    return hex(md.digest());
  }

  /** Adds {@code s} to {@code md}, length-prefixed; {@code null} is told apart from every string. */
  static void update(MessageDigest md, String s) {
    if (s == null) {
      md.update(new byte[] {-1, -1, -1, -1});
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
    md.update(b);
  }
}
