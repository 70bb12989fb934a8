package io.jadugar.jcache.engine.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The map a getAll without a loader answers with: a map like any other, that nobody can change. */
class FoundEntriesTest {

  /** Keys whose hash codes collide, to walk the probing. */
  private record Colliding(int id) {
    @Override
    public int hashCode() {
      return 7;
    }
  }

  @Test
  void answersAsAHashMapOfTheSameEntriesDoes() {
    for (int size : new int[] {0, 1, 2, 3, 63, 64, 65, 100, 1000}) {
      Object[] keys = new Object[size + 5]; // longer than what it holds, as getAll hands it over
      Object[] values = new Object[size + 5];
      Map<Object, Object> expected = new HashMap<>();
      for (int i = 0; i < size; i++) {
        keys[i] = i % 3 == 0 ? new Colliding(i) : "k" + i;
        values[i] = "v" + i;
        expected.put(keys[i], values[i]);
      }
      Map<Object, Object> found = new FoundEntries<>(keys, values, size);
      assertEquals(expected, found, "size " + size);
      assertEquals(found, expected);
      assertEquals(expected.hashCode(), found.hashCode());
      assertEquals(size, found.size());
      assertEquals(size == 0, found.isEmpty());
      for (Map.Entry<Object, Object> e : expected.entrySet()) {
        assertEquals(e.getValue(), found.get(e.getKey()));
        assertTrue(found.containsKey(e.getKey()));
        assertTrue(found.containsValue(e.getValue()));
      }
      assertNull(found.get("absent"));
      assertNull(found.get(new Colliding(-1)));
      assertNull(found.get(null));
      assertFalse(found.containsKey("absent"));
      Map<Object, Object> seen = new HashMap<>();
      found.forEach(seen::put);
      assertEquals(expected, seen);
      assertEquals(expected.keySet(), found.keySet());
    }
  }

  @Test
  void cannotBeChanged() {
    Map<Object, Object> found = new FoundEntries<>(new Object[] {"a", "b"}, new Object[] {"1", "2"}, 2);
    assertThrows(UnsupportedOperationException.class, () -> found.put("c", "3"));
    assertThrows(UnsupportedOperationException.class, () -> found.remove("a"));
    assertThrows(UnsupportedOperationException.class, found::clear);
    assertThrows(UnsupportedOperationException.class, () -> found.entrySet().iterator().next().setValue("x"));
    Iterator<Object> keys = found.keySet().iterator();
    keys.next();
    assertThrows(UnsupportedOperationException.class, keys::remove);
    assertEquals(Map.of("a", "1", "b", "2"), found);
  }
}
