package io.jadugar.jcache.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.Threads;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HandOverTest {

  @Test
  void aFullArrayRefusesWithoutLosingWhatItHoldsAndTakesMoreOnceDrained() {
    HandOver<Integer> h = new HandOver<>(8);
    assertEquals(8, h.capacity());
    for (int i = 0; i < 8; i++) {
      assertEquals(i + 1, h.offer(i, i % 2 == 0 ? -i : null), "slots taken");
    }
    assertEquals(0, h.offer(8, null), "full");
    List<Integer> got = new ArrayList<>();
    List<Integer> with = new ArrayList<>();
    h.drain((a, b) -> {
      got.add(a);
      with.add(b);
    });
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), got);
    assertEquals(java.util.Arrays.asList(0, null, -2, null, -4, null, -6, null), with);
    // round and round the array: the order stays the order of the offers, and the pairs stay pairs
    got.clear();
    for (int i = 100; i < 1_000; i++) {
      assertTrue(h.offer(i, -i) > 0);
      if (i % 5 == 0) {
        h.drain((a, b) -> {
          assertEquals(-a, b);
          got.add(a);
        });
      }
    }
    h.drain((a, b) -> got.add(a));
    for (int i = 100; i < 1_000; i++) {
      assertEquals(i, got.get(i - 100));
    }
    h.drain((a, b) -> got.add(a));
    assertEquals(900, got.size(), "nothing drained twice");
  }

  @Test
  void everythingFourWritersHandOverIsDrainedExactlyOnceWithItsPartner() throws Exception {
    HandOver<Integer> h = new HandOver<>(64);
    int perWriter = 200_000;
    BitSet seen = new BitSet(4 * perWriter);
    int[] wrong = new int[2];
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread drainer = new Thread(() -> {
      while (true) {
        boolean last = !writing.get();
        h.drain((i, partner) -> {
          if (seen.get(i)) {
            wrong[0]++;
          }
          if (partner == null || partner != -i) {
            wrong[1]++;
          }
          seen.set(i);
        });
        if (last) {
          return;
        }
      }
    });
    drainer.start();
    Threads.runAll(4, "writer", t -> {
      for (int i = 0; i < perWriter; i++) {
        Integer n = t * perWriter + i;
        while (h.offer(n, -n) == 0) {
          Thread.onSpinWait(); // a small array: writers often find it full
        }
      }
    });
    writing.set(false);
    drainer.join();
    assertEquals(0, wrong[0], "drained twice");
    assertEquals(0, wrong[1], "drained without its partner");
    assertEquals(4 * perWriter, seen.cardinality(), "drained");
  }
}
