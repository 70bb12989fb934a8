package io.jadugar.jcache.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Java deserialization of one value, guarded: classes are loaded through the cache's loader after
 * the allow-list let them; an {@link ObjectInputFilter} holds depth, references and array lengths
 * within {@link ReadLimits} (an array may not claim more elements than the bytes left could hold);
 * and every object, once read, gets its unfolded size, which is charged to a {@link HashBudget}
 * when the object is about to be hashed by the set or map reading it.
 */
final class GuardedObjectInputStream extends ObjectInputStream {

  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  /** Objects this small cost little to hash: not worth a look at the stack. */
  private static final long HASH_CHECK_MIN = 32;
  /** How far the stream's count of bytes read may run ahead of what was parsed (its block buffer). */
  private static final long READ_AHEAD = 1100;

  private final ClassLoader classLoader;
  private final ClassAllowList allowList;
  private final ReadLimits limits;
  private final int depthUsed;
  private final long length;
  private final GraphSize sizes = new GraphSize();
  private final HashBudget budget;
  private long references;
  private long lastSize = 1;
  private String refused;
  private ReadLimitException exceeded;

  /**
   * A stream over {@code bytes[offset, offset + length)}; {@code allowList} and {@code limits} may
   * be null (in-process), {@code depthUsed} is the depth of the reader that nests this one.
   */
  GuardedObjectInputStream(byte[] bytes, int offset, int length, ClassLoader classLoader,
      ClassAllowList allowList, ReadLimits limits, int depthUsed) throws IOException {
    super(new ByteArrayInputStream(bytes, offset, length));
    this.classLoader = classLoader;
    this.allowList = allowList;
    this.limits = limits;
    this.depthUsed = depthUsed;
    this.length = length;
    this.budget = limits == null ? null : new HashBudget(limits);
    if (allowList != null || limits != null) {
      setObjectInputFilter(this::check);
    }
    if (limits != null) {
      enableResolveObject(true);
    }
  }

  /** The class the allow-list refused, if that is why the read failed. */
  String refused() {
    return refused;
  }

  /** The limit the read went beyond, if that is why it failed. */
  ReadLimitException exceeded() {
    return exceeded;
  }

  /** The unfolded size of the last object read: the value's, once it is read. */
  long lastSize() {
    return lastSize;
  }

  @Override
  protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
    try {
      return Class.forName(desc.getName(), false, classLoader);
    } catch (ClassNotFoundException e) {
      return super.resolveClass(desc);
    }
  }

  @Override
  protected Object resolveObject(Object o) {
    lastSize = sizes.complete(o);
    if (lastSize >= HASH_CHECK_MIN && hashedNext()) {
      budget.charge(lastSize, references);
    }
    return o;
  }

  private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
    Class<?> c = info.serialClass();
    if (c != null && allowList != null && !allowList.allows(c.getName())) {
      refused = c.getName();
      return ObjectInputFilter.Status.REJECTED;
    }
    if (limits == null) {
      return ObjectInputFilter.Status.UNDECIDED;
    }
    references = info.references();
    if (info.depth() + depthUsed > limits.maxDepth()) {
      return reject(limits.tooDeep());
    }
    if (references > limits.maxObjects()) {
      return reject(limits.tooManyObjects());
    }
    long n = info.arrayLength();
    if (n >= 0 && c != null) {
      Class<?> component = c.getComponentType();
      long remaining = length - info.streamBytes() + READ_AHEAD;
      if (!component.isPrimitive() && n > limits.maxArrayLength()) {
        return reject(limits.tooLong(n));
      }
      // Java allocates the array before reading it. Elements take bytes; a HashMap or HashSet
      // sizes its table up to 8 times its element count
      long allowed = component.isPrimitive() ? remaining / bytesOf(component) : 8 * remaining;
      if (n > allowed) {
        return reject(ReadLimits.truncated(n, remaining));
      }
    }
    return ObjectInputFilter.Status.UNDECIDED;
  }

  private ObjectInputFilter.Status reject(ReadLimitException e) {
    exceeded = e;
    return ObjectInputFilter.Status.REJECTED;
  }

  private static long bytesOf(Class<?> primitive) {
    if (primitive == long.class || primitive == double.class) {
      return 8;
    } else if (primitive == int.class || primitive == float.class) {
      return 4;
    } else if (primitive == char.class || primitive == short.class) {
      return 2;
    }
    return 1;
  }

  /**
   * Whether the object just read is an element or key the set or map reading it hashes next: the
   * first frame below this stream's own is a hashing collection's {@code readObject}, reading it
   * directly (one {@code readObject0} between).
   */
  private static boolean hashedNext() {
    return WALKER.walk(frames -> {
      int reads = 0;
      for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
        Class<?> c = f.getDeclaringClass();
        if (c == GuardedObjectInputStream.class || c == ObjectStreamClass.class
            || c == ObjectInputStream.class || c.getEnclosingClass() == ObjectInputStream.class
            || c.getName().startsWith("jdk.internal.") || c.getName().startsWith("java.lang.reflect.")) {
          if (c == ObjectInputStream.class && f.getMethodName().equals("readObject0") && ++reads > 1) {
            return false;
          }
          continue;
        }
        return reads == 1 && f.getMethodName().equals("readObject") && hashes(c);
      }
      return false;
    });
  }

  private static boolean hashes(Class<?> c) {
    return Set.class.isAssignableFrom(c) && !SortedSet.class.isAssignableFrom(c)
        || Map.class.isAssignableFrom(c) && !SortedMap.class.isAssignableFrom(c)
        || c.getName().equals("java.util.CollSer"); // Set.of and Map.of
  }
}
