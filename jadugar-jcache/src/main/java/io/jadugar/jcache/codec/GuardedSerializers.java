package io.jadugar.jcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.BooleanArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.PriorityQueueSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.JdkImmutableListSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.JdkImmutableMapSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.JdkImmutableSetSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Kryo's serializers for collections, maps and arrays, reading the same bytes, but checking a
 * declared length before it sizes anything (Kryo 5.6 allocates what the bytes claim) and telling
 * {@link BoundedKryo} which containers hash what they hold.
 */
final class GuardedSerializers {

  private GuardedSerializers() {}

  /** The guarded form of {@code s}, Kryo's default serializer for {@code type}, or {@code s} itself. */
  @SuppressWarnings("rawtypes")
  static Serializer guard(BoundedKryo kryo, Class type, Serializer s) {
    Class<?> c = s.getClass();
    if (c == CollectionSerializer.class) {
      return new AnyCollection();
    } else if (c == MapSerializer.class) {
      return new AnyMap();
    } else if (s instanceof JdkImmutableListSerializer) {
      return new ImmutableList();
    } else if (s instanceof JdkImmutableSetSerializer) {
      return new ImmutableSet();
    } else if (s instanceof JdkImmutableMapSerializer) {
      return new ImmutableMap();
    } else if (c == PriorityQueueSerializer.class) {
      return new PriorityQueues();
    } else if (c == ObjectArraySerializer.class) {
      return new ObjectArrays(kryo, type);
    } else if (c == StringArraySerializer.class) {
      return new StringArrays();
    } else if (c == BooleanArraySerializer.class) {
      return new BooleanArrays(); // the other primitive arrays go through BoundedInput
    }
    return s;
  }

  /** {@code size} if allowed, as a capacity no bigger than the bytes left (a collection grows past it if it must). */
  static int capacity(Kryo kryo, Input input, int size) {
    ReadLimits limits = ((BoundedKryo) kryo).limits();
    if (size > limits.maxArrayLength()) {
      throw limits.tooLong(size);
    }
    return Math.min(size, input.limit() - input.position());
  }

  /** Checks the element count an array header at the input's position declares, without reading it. */
  static void checkArrayHeader(Kryo kryo, Input input, boolean objects) {
    int start = input.position();
    int n = input.readVarInt(true) - 1; // 0 is null
    input.setPosition(start);
    if (objects) {
      capacity(kryo, input, n);
    }
    if (n > input.limit() - start) { // every element takes at least a byte
      throw ReadLimits.truncated(n, input.limit() - start);
    }
  }

  private static void marksHashing(Kryo kryo, Object container) {
    if (container instanceof Set && !(container instanceof SortedSet)) {
      ((BoundedKryo) kryo).hashing(BoundedKryo.HASHES_ALL);
    } else if (container instanceof Map && !(container instanceof SortedMap)) {
      ((BoundedKryo) kryo).hashing(BoundedKryo.HASHES_KEYS);
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class AnyCollection extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      Collection c = super.create(kryo, input, type, capacity(kryo, input, size));
      marksHashing(kryo, c);
      return c;
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class AnyMap extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      Map m = super.create(kryo, input, type, capacity(kryo, input, size));
      marksHashing(kryo, m);
      return m;
    }
  }

  @SuppressWarnings("rawtypes")
  private static final class PriorityQueues extends PriorityQueueSerializer {
    @Override
    protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
      return super.create(kryo, input, type, capacity(kryo, input, size));
    }
  }

  /** {@code List.of(...)}, as Kryo's own serializer writes it. */
  private static final class ImmutableList extends CollectionSerializer<List<Object>> {
    ImmutableList() {
      setElementsCanBeNull(false);
    }

    @Override
    protected List<Object> create(Kryo kryo, Input input, Class<? extends List<Object>> type, int size) {
      return new ArrayList<>(capacity(kryo, input, size));
    }

    @Override
    public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
      List<Object> list = super.read(kryo, input, type);
      return list == null ? null : List.of(list.toArray());
    }
  }

  /** {@code Set.of(...)}, as Kryo's own serializer writes it. */
  private static final class ImmutableSet extends CollectionSerializer<Set<Object>> {
    ImmutableSet() {
      setElementsCanBeNull(false);
    }

    @Override
    protected Set<Object> create(Kryo kryo, Input input, Class<? extends Set<Object>> type, int size) {
      Set<Object> set = new HashSet<>(capacity(kryo, input, size));
      marksHashing(kryo, set);
      return set;
    }

    @Override
    public Set<Object> read(Kryo kryo, Input input, Class<? extends Set<Object>> type) {
      Set<Object> set = super.read(kryo, input, type);
      return set == null ? null : Set.of(set.toArray());
    }
  }

  /** {@code Map.of(...)}, as Kryo's own serializer writes it. */
  private static final class ImmutableMap extends MapSerializer<Map<Object, Object>> {
    ImmutableMap() {
      setKeysCanBeNull(false);
      setValuesCanBeNull(false);
    }

    @Override
    protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      Map<Object, Object> map = new HashMap<>(capacity(kryo, input, size));
      marksHashing(kryo, map);
      return map;
    }

    @Override
    public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      Map<Object, Object> map = super.read(kryo, input, type);
      return map == null ? null : Map.copyOf(map);
    }
  }

  private static final class ObjectArrays extends ObjectArraySerializer {
    @SuppressWarnings("rawtypes")
    ObjectArrays(Kryo kryo, Class type) {
      super(kryo, type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object[] read(Kryo kryo, Input input, Class type) {
      checkArrayHeader(kryo, input, true);
      return super.read(kryo, input, type);
    }
  }

  private static final class BooleanArrays extends BooleanArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public boolean[] read(Kryo kryo, Input input, Class type) {
      checkArrayHeader(kryo, input, false);
      return super.read(kryo, input, type);
    }
  }

  private static final class StringArrays extends StringArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public String[] read(Kryo kryo, Input input, Class type) {
      checkArrayHeader(kryo, input, true);
      return super.read(kryo, input, type);
    }
  }
}
