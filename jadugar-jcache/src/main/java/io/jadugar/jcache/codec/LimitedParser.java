package io.jadugar.jcache.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.util.Arrays;

/**
 * A Jackson parser (JSON or MessagePack) that keeps a read within {@link ReadLimits}: it counts the
 * values, the nesting and the elements of each array and object as they stream by. Every value is
 * written as {@code [type, value]}, so an object nests two levels: the nesting limit is twice the
 * depth limit. JSON has no references, so hashing costs no more than the tokens read.
 */
final class LimitedParser extends JsonParserDelegate {

  private final ReadLimits limits;
  private final int maxNesting;
  private long values;
  private int depth;
  private int[] elements = new int[16];

  LimitedParser(JsonParser parser, ReadLimits limits) {
    super(parser);
    this.limits = limits;
    this.maxNesting = maxNesting(limits);
  }

  /** The nesting a JSON or MessagePack document of values {@code limits} allows may reach. */
  static int maxNesting(ReadLimits limits) {
    return (int) Math.min(Integer.MAX_VALUE - 1, 2L * limits.maxDepth() + 1);
  }

  @Override
  public JsonToken nextToken() throws IOException {
    JsonToken t = super.nextToken();
    if (t == null || t == JsonToken.FIELD_NAME) {
      return t;
    }
    if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
      depth--;
      return t;
    }
    if (++values > limits.maxObjects()) {
      throw limits.tooManyObjects();
    }
    if (depth > 0 && ++elements[depth] > limits.maxArrayLength()) {
      throw limits.tooLong(elements[depth]);
    }
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      if (++depth > maxNesting) {
        throw limits.tooDeep();
      }
      if (depth == elements.length) {
        elements = Arrays.copyOf(elements, depth * 2);
      }
      elements[depth] = 0;
    }
    return t;
  }

  @Override
  public JsonToken nextValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.FIELD_NAME ? nextToken() : t;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken t = currentToken();
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      int outside = depth - 1;
      while (depth > outside && nextToken() != null) {
        // counted like any other token
      }
    }
    return this;
  }
}
