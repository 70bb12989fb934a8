package io.jadugar.extensions.tags;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * The cache seen through {@link TagManager#tags}: every put, putAll, putIfAbsent, getAndPut,
 * replace and getAndReplace carries the view's tags (their versions read just before the write);
 * everything else is the cache's own operation.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TaggedCache<K, V> implements Cache<K, V> {

  private final TagManager<K, V> tags;
  private final JadugarCache<K, V> cache;
  private final Set<String> names;

  /** A view of {@code tags}' cache whose writes carry the tags of metadata names {@code names}. */
  TaggedCache(TagManager<K, V> tags, Set<String> names) {
    this.tags = tags;
    this.cache = tags.cache();
    this.names = names;
  }

  /** Options for one write now: the tags' current versions. */
  private EntryOptions options() {
    return tags.withVersions(EntryOptions.NONE, names);
  }

  /** Records in the key index that {@code key} was written with {@code options}, if it was; returns {@code wrote}. */
  private boolean indexed(boolean wrote, K key, EntryOptions options) {
    if (wrote) {
      tags.indexed(List.of(key), names, options);
    }
    return wrote;
  }

  @Override
  public void put(K key, V value) {
    EntryOptions o = options();
    cache.put(key, value, o);
    indexed(true, key, o);
  }

  @Override
  public V getAndPut(K key, V value) {
    EntryOptions o = options();
    V old = cache.getAndPut(key, value, o);
    indexed(true, key, o);
    return old;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    EntryOptions o = options();
    cache.putAll(map, o);
    tags.indexed(map.keySet(), names, o);
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    EntryOptions o = options();
    return indexed(cache.putIfAbsent(key, value, o), key, o);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    EntryOptions o = options();
    return indexed(cache.replace(key, oldValue, newValue, o), key, o);
  }

  @Override
  public boolean replace(K key, V value) {
    EntryOptions o = options();
    return indexed(cache.replace(key, value, o), key, o);
  }

  @Override
  public V getAndReplace(K key, V value) {
    EntryOptions o = options();
    V old = cache.getAndReplace(key, value, o);
    indexed(old != null, key, o);
    return old;
  }

  @Override
  public V get(K key) {
    return cache.get(key);
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    return cache.getAll(keys);
  }

  @Override
  public boolean containsKey(K key) {
    return cache.containsKey(key);
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    cache.loadAll(keys, replaceExistingValues, completionListener);
  }

  @Override
  public boolean remove(K key) {
    return cache.remove(key);
  }

  @Override
  public boolean remove(K key, V oldValue) {
    return cache.remove(key, oldValue);
  }

  @Override
  public V getAndRemove(K key) {
    return cache.getAndRemove(key);
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    cache.removeAll(keys);
  }

  @Override
  public void removeAll() {
    cache.removeAll();
  }

  @Override
  public void clear() {
    cache.clear();
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    return cache.getConfiguration(clazz);
  }

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments)
      throws EntryProcessorException {
    return cache.invoke(key, entryProcessor, arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor,
      Object... arguments) {
    return cache.invokeAll(keys, entryProcessor, arguments);
  }

  @Override
  public String getName() {
    return cache.getName();
  }

  @Override
  public CacheManager getCacheManager() {
    return cache.getCacheManager();
  }

  /** Closes the cache itself: the view is the cache. */
  @Override
  public void close() {
    cache.close();
  }

  @Override
  public boolean isClosed() {
    return cache.isClosed();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    return clazz.isInstance(this) ? clazz.cast(this) : cache.unwrap(clazz);
  }

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> cacheEntryListenerConfiguration) {
    cache.registerCacheEntryListener(cacheEntryListenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> cacheEntryListenerConfiguration) {
    cache.deregisterCacheEntryListener(cacheEntryListenerConfiguration);
  }

  @Override
  public Iterator<Entry<K, V>> iterator() {
    return cache.iterator();
  }
}
