package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Small stored values built to make a reader work for ever (issue 11): each is a corrupt entry,
 * refused within 100 ms with default settings. Decodes run on another thread under a timeout, so a
 * regression fails the build instead of hanging it.
 */
class DeserializationBombTest {

  /** What a bomb is allowed to take: the decode itself fails in a few milliseconds. */
  static final long BUDGET_MS = 100;

  /**
   * Decodes {@code frame}, expects a corrupt entry within the budget, and returns its message. The
   * fastest of three tries counts: a bomb is slow every time, a busy machine or a GC pause is not.
   */
  static String refusedInTime(FrameCodec codec, byte[] frame) {
    warmUp(codec);
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      long fastest = Long.MAX_VALUE;
      String message = null;
      for (int i = 0; i < 3 && fastest >= BUDGET_MS; i++) {
        long start = System.nanoTime();
        CorruptEntryException e = assertThrows(CorruptEntryException.class, () -> codec.decodeValue(frame));
        fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
        message = e.getMessage();
      }
      assertTrue(fastest < BUDGET_MS, "refused after " + fastest + " ms: " + message);
      return message;
    }, "the read did not end");
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {16, 25, 50, 100})
  void kryoSerialDosIsACorruptEntryAtOnce(int depth) {
    byte[] frame = Bombs.frame(KryoSerializer.ID, (byte) 0, Bombs.kryo(Bombs.serialDos(depth)));
    assertTrue(frame.length < 4_000, "a small value: " + frame.length);
    String why = refusedInTime(CodecFixtures.frames(), frame);
    assertTrue(why.contains("jadugar.serializer.max-hash-work"), why);
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {16, 25, 50, 100})
  void javaSerialDosIsACorruptEntryAtOnce(int depth) {
    byte[] frame = Bombs.frame(JavaSerializer.ID, (byte) 0, Bombs.java(Bombs.serialDos(depth)));
    String why = refusedInTime(CodecFixtures.frames(), frame);
    assertTrue(why.contains("jadugar.serializer.max-hash-work"), why);
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {16, 25, 50, 100})
  void theSameShapeThroughListsIsRefusedToo(int depth) {
    refusedInTime(CodecFixtures.frames(), Bombs.frame(KryoSerializer.ID, (byte) 0, Bombs.kryo(Bombs.listLadder(depth))));
    refusedInTime(CodecFixtures.frames(), Bombs.frame(JavaSerializer.ID, (byte) 0, Bombs.java(Bombs.listLadder(depth))));
  }

  @Test
  void theBombInsideAJdkWrapperThatKryoHandsToJavaSerializationIsRefused() {
    // Kryo writes the JDK's unmodifiable wrappers with Java serialization, inside its own stream
    KryoSerializer writer = new KryoSerializer(getClass().getClassLoader(), ClassAllowList.of(List.of()));
    java.util.Set<Object> bomb = new java.util.HashSet<>();
    java.util.Set<Object> wrapped = java.util.Collections.unmodifiableSet(bomb);
    java.util.Set<Object> outer = new java.util.HashSet<>();
    outer.add(wrapped); // hashed while empty
    Bombs.serialDos(bomb, 40);
    refusedInTime(CodecFixtures.frames(), Bombs.frame(KryoSerializer.ID, (byte) 0, writer.serialize(wrapped)));
    // a Kryo HashSet of the wrapper: Kryo hashes what Java serialization read
    java.util.Set<Object> ladder = new java.util.HashSet<>();
    List<Object> top = new ArrayList<>();
    java.util.List<Object> unmodifiable = java.util.Collections.unmodifiableList(top);
    ladder.add(unmodifiable);
    List<Object> level = top;
    for (int i = 0; i < 40; i++) {
      List<Object> down = new ArrayList<>();
      level.add(down);
      level.add(down);
      level = down;
    }
    refusedInTime(CodecFixtures.frames(), Bombs.frame(KryoSerializer.ID, (byte) 0, writer.serialize(ladder)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java"})
  void nestingBeyondTheDepthLimitIsRefusedBeforeTheStackOverflows(String serializer) {
    List<Object> deep = new ArrayList<>();
    List<Object> level = deep;
    for (int i = 0; i < 5_000; i++) {
      List<Object> next = new ArrayList<>();
      level.add(next);
      level = next;
    }
    byte[] payload = serializer.equals("kryo") ? Bombs.kryo(deep) : Bombs.java(deep);
    byte id = serializer.equals("kryo") ? KryoSerializer.ID : JavaSerializer.ID;
    String why = refusedInTime(CodecFixtures.frames(), Bombs.frame(id, (byte) 0, payload));
    assertTrue(why.contains("jadugar.serializer.max-depth"), why);
  }

  @Test
  void kryoLengthsThatTheBytesCannotHoldAreRefusedBeforeAnythingIsAllocated() {
    FrameCodec codec = CodecFixtures.frames();
    int huge = Integer.MAX_VALUE - 16;
    List<byte[]> payloads = new ArrayList<>();
    for (Class<?> array : List.of(byte[].class, int[].class, long[].class, double[].class, char[].class,
        boolean[].class, String[].class, Object[].class, java.math.BigInteger.class)) {
      payloads.add(Bombs.kryoClaim(array, false, huge));
    }
    payloads.add(Bombs.kryoClaim(String.class, true, huge));
    payloads.add(Bombs.kryoClaim(StringBuilder.class, true, huge));
    for (Class<?> collection : List.of(ArrayList.class, java.util.HashSet.class, java.util.LinkedList.class,
        java.util.PriorityQueue.class, List.of(1, 2, 3).getClass(), java.util.Set.of(1, 2, 3).getClass())) {
      payloads.add(Bombs.kryoClaim(collection, true, huge));
    }
    payloads.add(Bombs.kryoClaim(java.util.HashMap.class, false, huge));
    payloads.add(Bombs.kryoClaim(java.util.Map.of(1, 2, 3, 4).getClass(), false, huge));
    for (byte[] p : payloads) {
      long before = allocated();
      refusedInTime(codec, Bombs.frame(KryoSerializer.ID, (byte) 0, p));
      long used = allocated() - before;
      assertTrue(used < 16 << 20, "allocated " + used);
    }
  }

  @Test
  void javaArrayLengthsThatTheBytesCannotHoldAreRefusedBeforeAllocation() {
    for (Object small : List.of(new byte[] {1, 2, 3, 4}, new long[] {1, 2, 3, 4}, new Object[] {1, 2, 3, 4})) {
      byte[] payload = Bombs.java(small);
      // the array length is the 4 bytes right before the elements; rewrite it
      int elementsBytes = small instanceof byte[] ? 4 : small instanceof long[] ? 32 : -1;
      int at = elementsBytes > 0 ? payload.length - elementsBytes - 4 : indexOfLength(payload, 4);
      java.nio.ByteBuffer.wrap(payload).putInt(at, Integer.MAX_VALUE - 16);
      long before = allocated();
      refusedInTime(CodecFixtures.frames(), Bombs.frame(JavaSerializer.ID, (byte) 0, payload));
      assertTrue(allocated() - before < 16 << 20, "allocated " + (allocated() - before));
    }
  }

  private static int indexOfLength(byte[] payload, int length) {
    for (int i = payload.length - 5; i >= 0; i--) {
      if (java.nio.ByteBuffer.wrap(payload).getInt(i) == length) {
        return i;
      }
    }
    throw new AssertionError("no length");
  }

  @Test
  void tooManyElementsOrObjectsAreRefusedWhereTheUserSaidSo() {
    FrameCodec small = CodecFixtures.frames("jadugar.serializer.max-array-length", "1000");
    String why = refusedInTime(small, Bombs.frame(KryoSerializer.ID, (byte) 0,
        Bombs.kryo(new ArrayList<>(java.util.Collections.nCopies(1001, null)))));
    assertTrue(why.contains("jadugar.serializer.max-array-length"), why);
    FrameCodec few = CodecFixtures.frames("jadugar.serializer.max-objects", "1000");
    for (String serializer : List.of("kryo", "java", "json", "msgpack")) {
      FrameCodec writer = CodecFixtures.frames("jadugar.serializer", serializer);
      List<Integer> many = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        many.add(i);
      }
      why = refusedInTime(few, (byte[]) writer.encodeValue(many));
      assertTrue(why.contains("jadugar.serializer.max-objects"), serializer + ": " + why);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "msgpack"})
  void deepNestingAndHugeArraysInJacksonFormatsAreRefused(String format) {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer", format);
    byte id = format.equals("json") ? JacksonSerializer.JSON_ID : JacksonSerializer.MSGPACK_ID;
    int n = 100_000; // lists in lists, each typed as [type, [elements]]
    byte[] deep;
    if (format.equals("json")) {
      deep = ("[\"java.util.ArrayList\",[".repeat(n) + "]]".repeat(n)).getBytes();
    } else {
      byte[] type = "java.util.ArrayList".getBytes();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        out.write(0x92); // an array of two: the type, then the elements
        out.write(0xa0 | type.length);
        out.writeBytes(type);
        out.write(0x91); // an array of one element
      }
      out.write(0xc0); // nil
      deep = out.toByteArray();
    }
    String why = refusedInTime(codec, Bombs.frame(id, (byte) 0, deep));
    assertTrue(why.contains("jadugar.serializer.max-depth") || why.contains("maxNestingDepth"), why);

    // an array that claims four billion elements, or a string or binary that claims 2 GB
    List<byte[]> claims = format.equals("json")
        ? List.of(("[\"java.util.ArrayList\",[" + "1,".repeat(100) + "1").getBytes())
        : List.of(new byte[] {(byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3},
            new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 'a', 'b'},
            new byte[] {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2});
    for (byte[] claim : claims) {
      long before = allocated();
      refusedInTime(codec, Bombs.frame(id, (byte) 0, claim));
      assertTrue(allocated() - before < 16 << 20, "allocated " + (allocated() - before));
    }
  }

  /** Reads honest values of the usual shapes first: class loading and the JIT are not a read's cost. */
  static void warmUp(FrameCodec codec) {
    List<Object> nested = new ArrayList<>();
    List<Object> level = nested;
    for (int i = 0; i < 100; i++) {
      List<Object> next = new ArrayList<>();
      level.add(next);
      level = next;
    }
    java.util.Set<Object> sets = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      sets.add(new java.util.HashSet<>(List.of("s" + i, i)));
    }
    for (int i = 0; i < 20; i++) {
      for (Object value : List.of("warm-up", nested, sets, new java.util.HashMap<>(java.util.Map.of("k", List.of(1, 2))))) {
        codec.decodeValue(codec.encodeValue(value));
      }
    }
  }

  static long allocated() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
