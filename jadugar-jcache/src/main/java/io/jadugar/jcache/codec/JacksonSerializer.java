package io.jadugar.jcache.codec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
  private final ReadLimits limits;

  /** JSON through Jackson, reads within {@code limits} ({@code null} for none). */
  static Serializer json(ClassLoader classLoader, ClassAllowList allowList, ReadLimits limits) {
    return new JacksonSerializer(JSON_ID, "json", new JsonFactory(), classLoader, allowList, limits);
  }

  /** MessagePack through Jackson, reads within {@code limits} ({@code null} for none). */
  static Serializer msgpack(ClassLoader classLoader, ClassAllowList allowList, ReadLimits limits) {
    return new JacksonSerializer(MSGPACK_ID, "msgpack",
        new org.msgpack.jackson.dataformat.MessagePackFactory(), classLoader, allowList, limits);
  }

  @SuppressWarnings("deprecation")
  private JacksonSerializer(byte id, String name, JsonFactory factory, ClassLoader classLoader,
      ClassAllowList allowList, ReadLimits limits) {
    this.id = id;
    this.name = name;
    this.limits = limits;
    if (limits != null) { // Jackson's own checks, where its parser makes them (JSON does), behind ours
      factory.setStreamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(LimitedParser.maxNesting(limits) + 1).maxDocumentLength(limits.maxBytes())
          .maxStringLength(limits.maxBytes()).build());
    }
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
    if (limits == null) {
      try {
        return mapper.readValue(bytes, offset, length, Object.class);
      } catch (IOException e) {
        throw unwrap(e);
      }
    }
    if (length > limits.maxBytes()) {
      throw limits.tooBig(length);
    }
    try (JsonParser p = new LimitedParser(mapper.createParser(bytes, offset, length), limits)) {
      return mapper.readValue(p, Object.class);
    } catch (IOException | RuntimeException e) {
      throw unwrap(e);
    }
  }

  /** The allow-list's or the limits' refusal inside {@code e}, else {@code e} unchecked. */
  private static RuntimeException unwrap(Exception e) {
    RuntimeException refusal = Serialization.refusalIn(e);
    if (refusal != null) {
      return refusal;
    }
    return e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
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
