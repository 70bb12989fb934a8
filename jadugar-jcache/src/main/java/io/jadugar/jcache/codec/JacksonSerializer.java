package io.jadugar.jcache.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON (Jackson) or MessagePack (Jackson over msgpack's format), with type information on every
 * value so that it comes back as the class it went in as. The type validator is the allow-list.
 * Both are optional dependencies.
 */
final class JacksonSerializer implements Serializer {

  static final byte JSON_ID = 3;
  static final byte MSGPACK_ID = 4;

  private final byte id;
  private final String name;
  private final ObjectMapper mapper;

  /** JSON through Jackson. */
  static Serializer json(ClassLoader classLoader, ClassAllowList allowList) {
    return new JacksonSerializer(JSON_ID, "json", new JsonFactory(), classLoader, allowList);
  }

  /** MessagePack through Jackson. */
  static Serializer msgpack(ClassLoader classLoader, ClassAllowList allowList) {
    return new JacksonSerializer(MSGPACK_ID, "msgpack",
        new org.msgpack.jackson.dataformat.MessagePackFactory(), classLoader, allowList);
  }

  @SuppressWarnings("deprecation")
  private JacksonSerializer(byte id, String name, JsonFactory factory, ClassLoader classLoader, ClassAllowList allowList) {
    this.id = id;
    this.name = name;
    ObjectMapper m = new ObjectMapper(factory);
    m.setTypeFactory(TypeFactory.defaultInstance().withClassLoader(classLoader));
    m.findAndRegisterModules();
    // as text, so that the scale survives (msgpack would otherwise write a double: 12.3400 -> 12.34)
    m.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("jadugar-exact-numbers")
        .addSerializer(java.math.BigDecimal.class,
            com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));
    m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    m.setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE);
    m.setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.activateDefaultTyping(new AllowListValidator(allowList), ObjectMapper.DefaultTyping.EVERYTHING,
        JsonTypeInfo.As.WRAPPER_ARRAY);
    this.mapper = m;
  }

  @Override
  public byte id() {
    return id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] serialize(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize a " + value.getClass().getName()
          + " as " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object deserialize(byte[] bytes, int offset, int length) {
    try {
      return mapper.readValue(bytes, offset, length, Object.class);
    } catch (IOException e) {
      Throwable cause = e;
      while (cause != null) {
        if (cause instanceof ClassNotAllowedException) {
          throw (ClassNotAllowedException) cause;
        }
        cause = cause.getCause();
      }
      throw new UncheckedIOException(e);
    }
  }

  /** Asks the allow-list about every type id before Jackson resolves it. */
  private static final class AllowListValidator extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;
    private final transient ClassAllowList allowList;

    AllowListValidator(ClassAllowList allowList) {
      this.allowList = allowList;
    }

    @Override
    public Validity validateSubClassName(com.fasterxml.jackson.databind.cfg.MapperConfig<?> config,
        JavaType baseType, String subClassName) {
      if (allowList != null) {
        allowList.check(subClassName);
      }
      return Validity.ALLOWED;
    }

    @Override
    public Validity validateSubType(com.fasterxml.jackson.databind.cfg.MapperConfig<?> config,
        JavaType baseType, JavaType subType) {
      if (allowList != null) {
        allowList.check(subType.getRawClass().getName());
      }
      return Validity.ALLOWED;
    }
  }
}
