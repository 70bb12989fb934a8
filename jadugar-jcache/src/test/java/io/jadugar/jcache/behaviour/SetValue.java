package io.jadugar.jcache.behaviour;

import java.io.Serializable;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/** An entry processor that sets the entry to a fixed value, shared by the behaviour tests. */
final class SetValue implements EntryProcessor<String, Integer, Void>, Serializable {
  private static final long serialVersionUID = 1L;
  private final int value;

  SetValue(int value) {
    this.value = value;
  }

  @Override
  public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
    entry.setValue(value);
    return null;
  }
}
