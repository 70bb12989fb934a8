package io.jadugar.jcache.codec;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unfolded sizes of the objects of one Java-serialization read (see {@link HashBudget}), worked out
 * as each object is completed, from the sizes of the objects it refers to: collections and maps
 * through their elements, arrays through theirs, the application's classes through their fields.
 * JDK classes that are none of these (strings, numbers, dates) are leaves.
 */
final class GraphSize {

  private static final Field[] LEAF = new Field[0];

  /** The fields that may refer to other objects, per class; {@link #LEAF} for leaves. */
  private static final ClassValue<Field[]> REFERENCES = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      String name = type.getName();
      if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
        return LEAF;
      }
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
            try {
              f.setAccessible(true);
              fields.add(f);
            } catch (RuntimeException e) {
              // a class of a module that does not open it: it counts as a leaf there
            }
          }
        }
      }
      return fields.toArray(LEAF);
    }
  };

  private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();

  /** The unfolded size of {@code o}, now complete, remembered for the objects that refer to it. */
  long complete(Object o) {
    long size = 1;
    if (o == null || HashBudget.kind(o.getClass()) == HashBudget.IDENTITY) {
      return size;
    } else if (o instanceof Collection) {
      for (Object e : (Collection<?>) o) {
        size = HashBudget.add(size, of(e));
      }
    } else if (o instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        size = HashBudget.add(size, HashBudget.add(of(e.getKey()), of(e.getValue())));
      }
    } else if (o instanceof Map.Entry) {
      size = HashBudget.add(size, HashBudget.add(of(((Map.Entry<?, ?>) o).getKey()), of(((Map.Entry<?, ?>) o).getValue())));
    } else if (o instanceof Object[]) {
      for (Object e : (Object[]) o) {
        size = HashBudget.add(size, of(e));
      }
    } else if (o != null && !o.getClass().isArray()) {
      for (Field f : REFERENCES.get(o.getClass())) {
        try {
          size = HashBudget.add(size, of(f.get(o)));
        } catch (IllegalAccessException e) {
          // cannot happen: the field was made accessible
        }
      }
    }
    if (size > 1) {
      sizes.put(o, size);
    }
    return size;
  }

  /**
   * The size of an object already read, 1 for a leaf or one still being read (a cycle). Only the
   * first reference to an application object counts its size (see {@link HashBudget#SHALLOW}).
   */
  private long of(Object o) {
    if (o == null) {
      return 1;
    }
    Long size = HashBudget.kind(o.getClass()) == HashBudget.SHALLOW ? sizes.remove(o) : sizes.get(o);
    return size == null ? 1 : size;
  }
}
