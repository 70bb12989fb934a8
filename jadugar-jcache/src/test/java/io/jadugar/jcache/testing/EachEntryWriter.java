package io.jadugar.jcache.testing;

import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;

/**
 * A test writer that takes a batch one entry at a time through {@link #write} and {@link #delete},
 * and, as JSR-107 wants, removes from the collection what it took.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class EachEntryWriter<K, V> implements CacheWriter<K, V> {

  @Override
  public void writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries) {
    entries.forEach(this::write);
    entries.clear();
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    keys.forEach(this::delete);
    keys.clear();
  }
}
