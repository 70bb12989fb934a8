package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.codec.RoundTripTest.Order;
import io.jadugar.jcache.codec.RoundTripTest.Point;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The Kryo that store-by-value copies go through: classes as numbers, pooled instances shared by threads. */
class InProcessKryoTest {

  /** A node of a graph that refers to itself. */
  public static final class Node {
    Node next;
    String name;
  }

  @Test
  void writesClassesAsNumbersNotNames() {
    KryoSerializer inProcess = new KryoSerializer(getClass().getClassLoader(), null);
    KryoSerializer forFrames = new KryoSerializer(getClass().getClassLoader(), ClassAllowList.of(
        List.of("io.jadugar.jcache.codec."), Object.class, Object.class));
    Point p = new Point(3, 4);
    // Kryo marks a name's last character, so look for the rest of it
    String name = Point.class.getName().substring(0, Point.class.getName().length() - 1);
    assertFalse(contains(inProcess.serialize(p), name), "no class name in an in-process copy");
    assertTrue(contains(forFrames.serialize(p), name), "frames that leave the JVM carry the name");
    assertTrue(inProcess.serialize(p).length < forFrames.serialize(p).length);
  }

  @Test
  void manyClassesGraphsAndCyclesReadBackFromEveryThread() throws Exception {
    KryoSerializer kryo = new KryoSerializer(getClass().getClassLoader(), null);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            // each thread meets the classes in another order, so ids are handed out concurrently
            Object value = switch ((i + seed) % 4) {
              case 0 -> new Point(i, seed);
              case 1 -> new Order(i, "c" + seed, new ArrayList<>(List.of("a", "b")), BigDecimal.valueOf(i));
              case 2 -> Collections.unmodifiableList(new ArrayList<>(List.of(new Point(seed, i))));
              default -> List.of(new Order(i, "x", List.of(), BigDecimal.ONE), new Point(1, 2));
            };
            byte[] b = kryo.serialize(value);
            assertEquals(value, kryo.deserialize(b, 0, b.length));
            Node a = new Node();
            a.name = "a" + i;
            a.next = new Node();
            a.next.next = a;
            byte[] cycle = kryo.serialize(a);
            Node back = (Node) kryo.deserialize(cycle, 0, cycle.length);
            assertEquals(a.name, back.name);
            assertSame(back, back.next.next);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNumberThisSerializerNeverGaveIsAnErrorNotAnotherClass() {
    KryoSerializer one = new KryoSerializer(getClass().getClassLoader(), null);
    KryoSerializer other = new KryoSerializer(getClass().getClassLoader(), null);
    one.serialize("warm-up");
    byte[] bytes = one.serialize(new Point(1, 2));
    assertThrows(RuntimeException.class, () -> other.deserialize(bytes, 0, bytes.length));
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }
}
