package io.jadugar.jcache.codec;

/**
 * The hashing one read may do. A HashSet or HashMap hashes its elements or keys while it is being
 * read, and hashing a collection visits its object graph unfolded into a tree: sets that each hold
 * two sets sharing the same nested set (the "SerialDOS" shape) unfold to 2^n nodes from 3n objects,
 * a kilobyte that hashes for ever. Depth, object and length limits cannot see that; the unfolded
 * size can. So readers give every object its unfolded size (1 plus its children's; a reference to
 * an object already read counts that object's size, a reference to one still being read, a cycle,
 * counts 1) and charge the size of every set element and map key here, before it is hashed. The
 * budget grows with the objects read: honest values (trees, cycles, unshared collections of
 * collections, a few levels of nested sets) cost a small multiple of their object count, while the
 * shared shape is refused at about 14 levels, however much padding comes with it.
 *
 * <p>What a hash walks depends on the class: JDK collections, maps, arrays and records hash their
 * contents, always ({@link #DEEP}); the application's classes usually hash an id, so a reference to
 * one already read counts 1 ({@link #SHALLOW}; else a HashSet of linked entities would look
 * quadratic), and one that keeps Object's hashCode is always 1 ({@link #IDENTITY}).
 */
final class HashBudget {

  /** Work always allowed, so that small values are never refused. */
  static final long FLOOR = 10_000;
  /** Sizes saturate here: big enough to refuse, far from overflowing when added. */
  static final long CAP = Long.MAX_VALUE / 4;

  static final byte DEEP = 0;
  static final byte SHALLOW = 1;
  static final byte IDENTITY = 2;

  private static final ClassValue<Byte> KINDS = new ClassValue<>() {
    @Override
    protected Byte computeValue(Class<?> c) {
      String name = c.getName();
      if (c.isArray() || c.isRecord() || java.util.Collection.class.isAssignableFrom(c)
          || java.util.Map.class.isAssignableFrom(c) || java.util.Map.Entry.class.isAssignableFrom(c)
          || name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
        return DEEP;
      }
      try {
        return c.getMethod("hashCode").getDeclaringClass() == Object.class ? IDENTITY : SHALLOW;
      } catch (NoSuchMethodException e) {
        return SHALLOW;
      }
    }
  };

  private final ReadLimits limits;
  private long work;

  HashBudget(ReadLimits limits) {
    this.limits = limits;
  }

  /** Starts a new read. */
  void reset() {
    work = 0;
  }

  /** Charges hashing an object of unfolded size {@code size}, {@code objects} objects into the read. */
  void charge(long size, long objects) {
    work = add(work, size);
    if (work > FLOOR + limits.hashWorkPerObject() * objects) {
      throw limits.tooMuchHashing();
    }
  }

  /** How hashing an instance of {@code c} walks what it refers to: {@link #DEEP}, {@link #SHALLOW}, {@link #IDENTITY}. */
  static byte kind(Class<?> c) {
    return KINDS.get(c);
  }

  /** {@code a + b}, saturating at {@link #CAP}. */
  static long add(long a, long b) {
    long s = a + b;
    return s > CAP || s < 0 ? CAP : s;
  }
}
