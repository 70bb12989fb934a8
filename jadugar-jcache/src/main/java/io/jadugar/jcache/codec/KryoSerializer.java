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
import com.esotericsoftware.kryo.util.Pool;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo 5, the default serializer: compact and fast. Instances are pooled because a {@link Kryo} is
 * not thread-safe. Classes are written by name, checked against the allow-list before they are
 * loaded; classes without a no-argument constructor are created through Objenesis; the JDK's
 * immutable collections have their own serializers. What Kryo still cannot handle (the JDK's
 * unmodifiable wrappers, for one) {@link Serialization} writes with Java serialization instead.
 */
public final class KryoSerializer implements Serializer {

  /** Frame id of Kryo. */
  public static final byte ID = 1;

  private static final String[] JDK_WRAPPERS = {
      "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableMap",
      "java.util.Collections$SynchronizedCollection", "java.util.Collections$SynchronizedMap",
      "java.util.Collections$CheckedCollection", "java.util.Collections$CheckedMap",
      "java.util.Arrays$ArrayList"};

  private final Pool<Kryo> pool;
  private final Pool<Output> outputs;

  /**
   * A serializer that loads classes through {@code classLoader} and refuses the ones
   * {@code allowList} does not allow; {@code null} allows all (for in-process copies only).
   */
  public KryoSerializer(ClassLoader classLoader, ClassAllowList allowList) {
    JavaSerializer java = new JavaSerializer(classLoader, allowList);
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
        return java.deserialize(input.readBytes(n), 0, n);
      }
    };
    this.pool = new Pool<>(true, false, 16) {
      @Override
      protected Kryo create() {
        Kryo kryo = new Kryo(new CheckingClassResolver(allowList), new MapReferenceResolver());
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
        return kryo;
      }
    };
    this.outputs = new Pool<>(true, false, 16) {
      @Override
      protected Output create() {
        return new Output(256, -1);
      }
    };
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
    Kryo kryo = pool.obtain();
    Output out = outputs.obtain();
    try {
      out.reset();
      kryo.writeClassAndObject(out, value);
      return out.toBytes();
    } finally {
      if (out.getBuffer().length > 64 * 1024) {
        out.setBuffer(new byte[256], -1); // do not pin a huge buffer in the pool
      }
      outputs.free(out);
      pool.free(kryo);
    }
  }

  @Override
  public Object deserialize(byte[] bytes, int offset, int length) {
    Kryo kryo = pool.obtain();
    try {
      return kryo.readClassAndObject(new Input(bytes, offset, length));
    } catch (KryoException e) {
      Throwable cause = e.getCause();
      while (cause != null) {
        if (cause instanceof ClassNotAllowedException) {
          throw (ClassNotAllowedException) cause;
        }
        cause = cause.getCause();
      }
      throw e;
    } finally {
      pool.free(kryo);
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
}
