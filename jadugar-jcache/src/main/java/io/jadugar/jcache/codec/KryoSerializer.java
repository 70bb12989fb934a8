package io.jadugar.jcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo 5, the default serializer: compact and fast. Instances, with their input and output, are
 * pooled because a {@link Kryo} is not thread-safe. Classes are written by name, checked against the allow-list before they are
 * loaded; classes without a no-argument constructor are created through Objenesis; the JDK's
 * immutable collections have their own serializers. What Kryo still cannot handle (the JDK's
 * unmodifiable wrappers, for one) {@link Serialization} writes with Java serialization instead.
 */
public final class KryoSerializer implements Serializer {

  /** Frame id of Kryo. */
  public static final byte ID = 1;

  private static final byte[] EMPTY = new byte[0];

  private static final String[] JDK_WRAPPERS = {
      "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableMap",
      "java.util.Collections$SynchronizedCollection", "java.util.Collections$SynchronizedMap",
      "java.util.Collections$CheckedCollection", "java.util.Collections$CheckedMap",
      "java.util.Arrays$ArrayList"};

  private final LocalPool<Context> pool;

  private final ReadLimits limits;

  /** A Kryo and the buffers it reads and writes with, taken from the pool together. */
  private static final class Context {
    final Kryo kryo;
    final Input input;
    final Output output = new Output(256, -1);

    Context(Kryo kryo, Input input) {
      this.kryo = kryo;
      this.input = input;
    }
  }

  /**
   * A serializer that loads classes through {@code classLoader} and refuses the ones
   * {@code allowList} does not allow; {@code null} allows all, for in-process copies only: then
   * a class is written as a number that only this instance can read back, not by its name (less
   * to write, and no class name to read, hash and look up on every read).
   */
  public KryoSerializer(ClassLoader classLoader, ClassAllowList allowList) {
    this(classLoader, allowList, allowList == null ? null : ReadLimits.DEFAULTS);
  }

  /**
   * A serializer as above whose reads stay within {@code limits}; {@code null} for none, for
   * in-process copies only, which read back only what this JVM wrote.
   */
  public KryoSerializer(ClassLoader classLoader, ClassAllowList allowList, ReadLimits limits) {
    this.limits = limits;
    ClassIds ids = allowList == null ? new ClassIds() : null;
    JavaSerializer java = new JavaSerializer(classLoader, allowList, limits);
    com.esotericsoftware.kryo.Serializer<Object> javaFallback = new com.esotericsoftware.kryo.Serializer<>() {
      @Override
      public void write(Kryo kryo, Output output, Object object) {
        byte[] bytes = java.serialize(object);
        output.writeVarInt(bytes.length, true);
        output.writeBytes(bytes);
      }

      @Override
      public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
        int n = input.readVarInt(true);
        if (kryo instanceof BoundedKryo) { // the nested read counts its depth and size in this one
          BoundedKryo bounded = (BoundedKryo) kryo;
          JavaSerializer.Read read = java.read(input.readBytes(n), 0, n, bounded.getDepth());
          bounded.nestedSize(read.size());
          return read.value();
        }
        return java.deserialize(input.readBytes(n), 0, n);
      }
    };
    this.pool = new LocalPool<>(() -> {
      com.esotericsoftware.kryo.ClassResolver resolver =
          ids == null ? new CheckingClassResolver(allowList) : new InProcessClassResolver(ids);
      Kryo kryo = limits == null ? new Kryo(resolver, new MapReferenceResolver()) : new BoundedKryo(resolver, limits);
      kryo.setRegistrationRequired(false);
      kryo.setReferences(true);
      kryo.setClassLoader(classLoader);
      kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
      ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
      // the JDK's wrappers cannot be rebuilt field by field (their add() throws): Java
      // serialization inside the Kryo stream, still behind the allow-list
      for (String wrapper : JDK_WRAPPERS) {
        try {
          kryo.addDefaultSerializer(Class.forName(wrapper), javaFallback);
        } catch (ClassNotFoundException e) {
          // not in this JDK
        }
      }
      return new Context(kryo, limits == null ? new Input() : new BoundedInput());
    });
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public String name() {
    return "kryo";
  }

  @Override
  public byte[] serialize(Object value) {
    Context c = pool.obtain();
    Output out = c.output;
    try {
      out.reset();
      c.kryo.writeClassAndObject(out, value);
      return out.toBytes();
    } finally {
      if (out.getBuffer().length > 64 * 1024) {
        out.setBuffer(new byte[256], -1); // do not pin a huge buffer in the pool
      }
      pool.free(c);
    }
  }

  @Override
  public Object deserialize(byte[] bytes, int offset, int length) {
    if (limits != null && length > limits.maxBytes()) {
      throw limits.tooBig(length);
    }
    Context c = pool.obtain();
    try {
      c.input.setBuffer(bytes, offset, length);
      return c.kryo.readClassAndObject(c.input);
    } catch (KryoException e) {
      RuntimeException refusal = Serialization.refusalIn(e);
      throw refusal != null ? refusal : e;
    } finally {
      c.input.setBuffer(EMPTY); // do not keep the caller's bytes reachable from the pool
      if (c.input instanceof BoundedInput) {
        ((BoundedInput) c.input).release();
      }
      pool.free(c);
    }
  }

  /** Refuses classes outside the allow-list, both ways: before loading, and before writing. */
  private static final class CheckingClassResolver extends DefaultClassResolver {
    private final ClassAllowList allowList;

    CheckingClassResolver(ClassAllowList allowList) {
      this.allowList = allowList;
    }

    @Override
    protected Class<?> getTypeByName(String className) {
      if (allowList != null) {
        allowList.check(className);
      }
      return super.getTypeByName(className);
    }

    @Override
    public Registration registerImplicit(Class type) {
      if (allowList != null) {
        allowList.check(type.getName());
      }
      return super.registerImplicit(type);
    }
  }

  /** Numbers for classes, shared by the pooled instances of one in-process serializer. */
  private static final class ClassIds {
    private final Map<Class<?>, Integer> ids = new ConcurrentHashMap<>();
    private volatile Class<?>[] classes = new Class<?>[0];

    int idOf(Class<?> type) {
      Integer id = ids.get(type);
      return id != null ? id : add(type);
    }

    private synchronized int add(Class<?> type) {
      Integer id = ids.get(type);
      if (id == null) {
        Class<?>[] grown = Arrays.copyOf(classes, classes.length + 1);
        grown[classes.length] = type;
        classes = grown; // published before the id, so a reader always finds the class
        id = grown.length - 1;
        ids.put(type, id);
      }
      return id;
    }

    Class<?> classOf(int id) {
      Class<?>[] c = classes;
      if (id < 0 || id >= c.length) {
        throw new KryoException("Unknown in-process class id " + id);
      }
      return c[id];
    }
  }

  /**
   * Writes classes Kryo has no id for as {@link ClassIds} numbers above the ids Kryo registers
   * itself, instead of by name.
   */
  private static final class InProcessClassResolver extends DefaultClassResolver {
    /** Above every id Kryo gives its own registrations (a two-byte varint). */
    private static final int BASE = 1024;
    private final ClassIds ids;

    InProcessClassResolver(ClassIds ids) {
      this.ids = ids;
    }

    @Override
    public Registration writeClass(Output output, Class type) {
      if (type == null) {
        return super.writeClass(output, null);
      }
      Registration registration = kryo.getRegistration(type);
      if (registration.getId() != NAME) {
        return super.writeClass(output, type);
      }
      output.writeVarInt(BASE + ids.idOf(type), true);
      return registration;
    }

    @Override
    public Registration readClass(Input input) {
      int start = input.position();
      int id = input.readVarInt(true);
      if (id >= BASE) {
        return kryo.getRegistration(ids.classOf(id - BASE));
      }
      input.setPosition(start);
      return super.readClass(input);
    }
  }
}
