package io.jadugar.jcache.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;
import io.jadugar.jcache.spi.StoreEntry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The heap a memory store's entries take, estimated for the metrics, never measured: there is no
 * cheap way to measure it. With a weigher ({@code maximum-weight}), Caffeine's weighted size: the
 * weigher's figure, bytes if it weighs bytes. Otherwise the number of entries times the mean
 * estimated size of the first {@link #SAMPLE} entries Caffeine's map iterates (in hash order, so
 * not the newest ones), each being {@link #PER_ENTRY} bytes of the store's own bookkeeping plus its
 * key and value, whose sizes are worked out from a 64-bit JVM's layout with compressed references:
 * arrays and strings by their length, boxed numbers by their type, the application's objects field
 * by field through at most {@link #MAX_OBJECTS} objects each. Other JDK objects cannot be looked
 * into (the JDK's modules are closed): a collection or map counts per element, anything else
 * {@link #JDK_LEAF} bytes. Shared objects (enums, classes) count nothing. So: right in scale, and
 * growing with the entries, not exact.
 */
final class HeapEstimate {

  /** How many entries are sized; the rest are taken to be like them. */
  static final int SAMPLE = 64;
  /**
   * The store's own heap per entry (Caffeine's node, the map's table slot, the {@link StoreEntry}):
   * measured by {@code jadugar-benchmarks}' {@code Footprint}, 117 bytes by reference.
   */
  static final long PER_ENTRY = 117;
  /** The most objects one key or value is walked through; beyond, the rest of it is not counted. */
  static final int MAX_OBJECTS = 1_000;
  /** What a JDK object other than a string, number, array, collection or map is taken to weigh. */
  static final long JDK_LEAF = 24;

  private static final long HEADER = 12;
  private static final long ARRAY_HEADER = 16;
  private static final long REFERENCE = 4;
  private static final Field[] NONE = new Field[0];

  /** The instance fields of a class and its superclasses, made readable where the module allows it. */
  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            fields.add(f);
          }
        }
      }
      return fields.toArray(NONE);
    }
  };

  private HeapEstimate() {}

  /** The estimated heap of {@code cache}'s entries, in bytes; 0 when empty. */
  static long of(Cache<Object, StoreEntry> cache) {
    cache.cleanUp(); // the writes just made are applied to the size and weight first
    Optional<Policy.Eviction<Object, StoreEntry>> eviction = cache.policy().eviction();
    if (eviction.isPresent() && eviction.get().isWeighted()) {
      OptionalLong weight = eviction.get().weightedSize();
      if (weight.isPresent()) {
        return weight.getAsLong();
      }
    }
    long entries = cache.estimatedSize();
    if (entries <= 0) {
      return 0;
    }
    long sampled = 0;
    int n = 0;
    for (Iterator<StoreEntry> it = cache.asMap().values().iterator(); n < SAMPLE && it.hasNext();) {
      StoreEntry e = it.next();
      sampled += PER_ENTRY + sizeOf(e.key()) + sizeOf(e.value());
      n++;
    }
    return n == 0 ? 0 : (long) (entries * ((double) sampled / n));
  }

  /** The estimated bytes of {@code root} and what it refers to, each object once. */
  static long sizeOf(Object root) {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Object> todo = new ArrayDeque<>();
    long total = 0;
    if (root != null) {
      todo.add(root);
    }
    while (!todo.isEmpty() && seen.size() < MAX_OBJECTS) {
      Object o = todo.poll();
      if (seen.put(o, Boolean.TRUE) == null) {
        try {
          total += shallow(o, todo);
        } catch (RuntimeException e) {
          // changed while we looked (an application's collection), or closed to reflection: not counted
        }
      }
    }
    return total;
  }

  /** The bytes of {@code o} itself; what it refers to and may hold more goes to {@code todo}. */
  private static long shallow(Object o, ArrayDeque<Object> todo) {
    Class<?> c = o.getClass();
    if (c.isArray()) {
      return array(o, c.getComponentType(), todo);
    }
    if (o instanceof String s) {
      // the String (header, array reference, hash, coder) and its array: a byte each in Latin-1, else two
      return HEADER + REFERENCE + 8 + arrayBytes(s.chars().allMatch(ch -> ch < 256) ? byte.class : char.class,
          s.length());
    }
    if (o instanceof Long || o instanceof Double) {
      return align(HEADER + 8);
    }
    if (o instanceof Number || o instanceof Boolean || o instanceof Character) {
      return align(HEADER + 4);
    }
    if (o instanceof Enum || o instanceof Class) {
      return 0; // one per JVM, whoever refers to it
    }
    String name = c.getName();
    if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
      if (o instanceof Collection<?> items) {
        todo.addAll(items);
        return 48 + 16L * items.size();
      }
      if (o instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          add(todo, e.getKey());
          add(todo, e.getValue());
        }
        return 48 + 32L * map.size();
      }
      return JDK_LEAF;
    }
    long size = HEADER;
    for (Field f : FIELDS.get(c)) {
      Class<?> t = f.getType();
      size += t.isPrimitive() ? primitive(t) : REFERENCE;
      if (!t.isPrimitive() && f.trySetAccessible()) {
        try {
          add(todo, f.get(o));
        } catch (IllegalAccessException e) {
          // counted as a reference, not followed
        }
      }
    }
    return align(size);
  }

  private static long array(Object array, Class<?> component, ArrayDeque<Object> todo) {
    int length = java.lang.reflect.Array.getLength(array);
    if (!component.isPrimitive()) {
      for (Object e : (Object[]) array) {
        add(todo, e);
      }
    }
    return arrayBytes(component, length);
  }

  private static long arrayBytes(Class<?> component, int length) {
    return align(ARRAY_HEADER + (long) length * (component.isPrimitive() ? primitive(component) : REFERENCE));
  }

  private static void add(ArrayDeque<Object> todo, Object o) {
    if (o != null) {
      todo.add(o);
    }
  }

  private static long primitive(Class<?> t) {
    if (t == long.class || t == double.class) {
      return 8;
    }
    if (t == int.class || t == float.class) {
      return 4;
    }
    if (t == short.class || t == char.class) {
      return 2;
    }
    return 1;
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
