package io.jadugar.jcache.behaviour;

import java.io.Serializable;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/** An entry processor that only reads the entry's value, shared by the behaviour tests. */
final class GetValue implements EntryProcessor<String, Integer, Integer>, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
    return entry.getValue();
  }
}
