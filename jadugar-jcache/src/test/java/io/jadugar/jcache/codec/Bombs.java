package io.jadugar.jcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Hostile values, and frames holding them written the way a raw client would: no limits on the writing side. */
public final class Bombs {

  private Bombs() {}

  /**
   * The classic "SerialDOS" set: each level holds two sets, both of which hold the two sets of the
   * next level, so hashing the root visits 2^depth sets; about 3 objects per level.
   */
  public static Set<Object> serialDos(int depth) {
    return serialDos(new HashSet<>(), depth);
  }

  /** Grows the SerialDOS shape under {@code root}, which may already sit in other sets: built downwards, nothing big is hashed. */
  static Set<Object> serialDos(Set<Object> root, int depth) {
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo"); // not equal to t2
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  /** The same explosion through lists: each list holds the next one twice, and only the root set hashes. */
  static Set<Object> listLadder(int depth) {
    List<Object> level = new ArrayList<>();
    Set<Object> root = new HashSet<>();
    root.add(level); // while it is empty: built downwards, nothing big is hashed here
    for (int i = 0; i < depth; i++) {
      List<Object> down = new ArrayList<>();
      level.add(down);
      level.add(down);
      level = down;
    }
    level.add("leaf");
    return root;
  }

  /** {@code value} as a plain Kryo writes it (references on, classes by name), run where a deep value fits the stack. */
  public static byte[] kryo(Object value) {
    return onBigStack(() -> {
      Kryo kryo = new Kryo();
      kryo.setRegistrationRequired(false);
      kryo.setReferences(true);
      Output out = new Output(1024, -1);
      kryo.writeClassAndObject(out, value);
      return out.toBytes();
    });
  }

  /** {@code value} as ObjectOutputStream writes it. */
  public static byte[] java(Object value) {
    return onBigStack(() -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    });
  }

  /**
   * A Kryo payload that starts a {@code type} and claims {@code length} elements (or characters),
   * with none of them following: the length header as a flagged varint where the type's serializer
   * reads one ({@code flagged}), a plain varint otherwise.
   */
  static byte[] kryoClaim(Class<?> type, boolean flagged, int length) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    Output out = new Output(64, -1);
    kryo.writeClass(out, type);
    out.writeVarInt(1, true); // a new object, not a reference
    if (flagged) {
      out.writeVarIntFlag(type == String.class || type == StringBuilder.class, length + 1, true);
    } else {
      out.writeVarInt(length + 1, true);
    }
    return out.toBytes();
  }

  /** A valid frame around {@code payload}. */
  static byte[] frame(byte serializer, byte compressor, byte[] payload) {
    return new Frame(serializer, compressor, -1, null, payload, 0, payload.length).toBytes();
  }

  static <T> T onBigStack(java.util.function.Supplier<T> work) {
    Object[] result = new Object[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = work.get();
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "big-stack", 512L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    @SuppressWarnings("unchecked")
    T r = (T) result[0];
    return r;
  }
}
