package io.jadugar.jcache.codec;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.util.Arrays;

/**
 * A Kryo that keeps every read within {@link ReadLimits}: it counts the objects and references it
 * reads, stops at the depth limit, gives collections, maps and arrays serializers that check their
 * declared lengths before allocating, and charges set elements and map keys to a {@link HashBudget}
 * by the unfolded size of their graph. Writes are held to the depth limit only. Per-read state
 * lives in reused arrays: nothing is allocated per read.
 */
final class BoundedKryo extends Kryo {

  /** What the object being read at a depth does with its children. */
  static final byte PLAIN = 0;
  static final byte HASHES_ALL = 1;
  static final byte HASHES_KEYS = 2;

  private static final int KEPT_IDS = 64 * 1024;

  private final ReadLimits limits;
  private final HashBudget budget;
  private long objects;
  // per depth, for the object being read at that depth
  private long[] childSize = new long[64];
  private int[] newId = new int[64];
  private int[] backRef = new int[64];
  private int[] children = new int[64];
  private byte[] hashing = new byte[64];
  /** Unfolded size of each object read, by reference id; 0 while it is still being read. */
  private long[] sizeById = new long[256];

  BoundedKryo(ClassResolver classResolver, ReadLimits limits) {
    super(classResolver, new Resolver());
    this.limits = limits;
    this.budget = new HashBudget(limits);
  }

  ReadLimits limits() {
    return limits;
  }

  @Override
  public Object readClassAndObject(Input input) {
    int d = enter();
    return leave(d, super.readClassAndObject(input));
  }

  @Override
  public <T> T readObject(Input input, Class<T> type) {
    int d = enter();
    return leave(d, super.readObject(input, type));
  }

  @Override
  public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
    int d = enter();
    return leave(d, super.readObject(input, type, serializer));
  }

  @Override
  public <T> T readObjectOrNull(Input input, Class<T> type) {
    int d = enter();
    return leave(d, super.readObjectOrNull(input, type));
  }

  @Override
  public <T> T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
    int d = enter();
    return leave(d, super.readObjectOrNull(input, type, serializer));
  }

  // writes are held to the depth limit too: a value nested deeper than a read accepts is refused
  // at put, where the application hears of it, instead of being stored and missing on every read

  @Override
  public void writeClassAndObject(Output output, Object object) {
    checkWriteDepth();
    super.writeClassAndObject(output, object);
  }

  @Override
  public void writeObject(Output output, Object object) {
    checkWriteDepth();
    super.writeObject(output, object);
  }

  @Override
  public void writeObject(Output output, Object object, Serializer serializer) {
    checkWriteDepth();
    super.writeObject(output, object, serializer);
  }

  @Override
  public void writeObjectOrNull(Output output, Object object, Class type) {
    checkWriteDepth();
    super.writeObjectOrNull(output, object, type);
  }

  @Override
  public void writeObjectOrNull(Output output, Object object, Serializer serializer) {
    checkWriteDepth();
    super.writeObjectOrNull(output, object, serializer);
  }

  private void checkWriteDepth() {
    if (getDepth() >= limits.maxDepth()) {
      throw limits.tooDeep();
    }
  }

  @Override
  public Serializer getDefaultSerializer(Class type) {
    return GuardedSerializers.guard(this, type, super.getDefaultSerializer(type));
  }

  @Override
  public void reset() {
    super.reset();
    objects = 0;
    budget.reset();
    if (sizeById.length > KEPT_IDS) {
      sizeById = new long[256]; // do not pin a big value's bookkeeping in the pool
    }
  }

  /** Marks the collection or map being read now as hashing its children ({@link #HASHES_ALL}, {@link #HASHES_KEYS}). */
  void hashing(byte how) {
    hashing[getDepth()] = how;
  }

  /** Adds {@code size - 1} to the unfolded size of the object being read now: what a nested reader read. */
  void nestedSize(long size) {
    int d = getDepth();
    childSize[d] = HashBudget.add(childSize[d], size - 1);
  }

  private int enter() {
    int d = getDepth();
    if (d >= limits.maxDepth()) {
      throw limits.tooDeep();
    }
    if (++objects > limits.maxObjects()) {
      throw limits.tooManyObjects();
    }
    int slot = d + 1;
    if (slot >= hashing.length) {
      grow(slot);
    }
    childSize[slot] = 0;
    newId[slot] = -1;
    backRef[slot] = -1;
    children[slot] = 0;
    hashing[slot] = PLAIN;
    return d;
  }

  private <T> T leave(int d, T object) {
    int slot = d + 1;
    byte kind = object == null ? HashBudget.IDENTITY : HashBudget.kind(object.getClass());
    long size;
    if (kind == HashBudget.IDENTITY) {
      size = 1;
    } else if (backRef[slot] >= 0) {
      // 0: still being read, a cycle
      size = kind == HashBudget.DEEP ? Math.max(1, sizeById[backRef[slot]]) : 1;
    } else {
      size = HashBudget.add(1, childSize[slot]);
      if (newId[slot] >= 0) {
        sizeById[newId[slot]] = size;
      }
    }
    childSize[d] = HashBudget.add(childSize[d], size);
    byte how = hashing[d];
    if (how == HASHES_ALL || how == HASHES_KEYS && (children[d]++ & 1) == 0) {
      budget.charge(size, objects);
    }
    return object;
  }

  private void grow(int slot) {
    int n = Math.max(slot + 1, hashing.length * 2);
    childSize = Arrays.copyOf(childSize, n);
    newId = Arrays.copyOf(newId, n);
    backRef = Arrays.copyOf(backRef, n);
    children = Arrays.copyOf(children, n);
    hashing = Arrays.copyOf(hashing, n);
  }

  private void newObject(int id) {
    newId[getDepth()] = id;
    if (id >= sizeById.length) {
      sizeById = Arrays.copyOf(sizeById, Math.max(id + 1, sizeById.length * 2));
    }
    sizeById[id] = 0;
  }

  private void reference(int id) {
    backRef[getDepth()] = id;
  }

  /** Tells the Kryo which object got which reference id, and which id a back-reference named. */
  private static final class Resolver extends MapReferenceResolver {
    @Override
    public int nextReadId(Class type) {
      int id = super.nextReadId(type);
      ((BoundedKryo) kryo).newObject(id);
      return id;
    }

    @Override
    public Object getReadObject(Class type, int id) {
      Object o = super.getReadObject(type, id);
      ((BoundedKryo) kryo).reference(id);
      return o;
    }
  }
}
