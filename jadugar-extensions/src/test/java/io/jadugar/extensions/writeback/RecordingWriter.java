package io.jadugar.extensions.writeback;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A writer for the tests that records every {@code writeAll} / {@code deleteAll} call, can refuse
 * keys (leaving them in the collection, as JSR-107 says, and throwing), can hold calls until
 * released, and fails the test's assertions if two batches at the writer ever share a key.
 */
final class RecordingWriter implements CacheWriter<String, String> {

  /** One change as the writer saw it: the key, the value ({@code null}: a removal), the version. */
  record Seen(String key, String value, long version) {}

  final List<List<Seen>> calls = new CopyOnWriteArrayList<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final Set<String> atWriter = ConcurrentHashMap.newKeySet();
  final List<String> overlaps = new CopyOnWriteArrayList<>();
  volatile Predicate<String> refuse = k -> false;
  volatile Semaphore gate;
  volatile long sleepMillis;

  @Override
  public void write(Cache.Entry<? extends String, ? extends String> entry) {
    throw new AssertionError("a write-back hands the writer batches only");
  }

  @Override
  public void delete(Object key) {
    throw new AssertionError("a write-back hands the writer batches only");
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
    List<Seen> call = new ArrayList<>();
    for (Cache.Entry<? extends String, ? extends String> e : entries) {
      call.add(new Seen(e.getKey(), e.getValue(), WriteBackEntry.versionOf(e)));
    }
    take(call, entries, e -> ((Cache.Entry<?, ?>) e).getKey().toString());
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    List<Seen> call = new ArrayList<>();
    for (Object k : keys) {
      call.add(new Seen(k.toString(), null, -1));
    }
    take(call, keys, Object::toString);
  }

  private <T> void take(List<Seen> call, Collection<T> items, java.util.function.Function<Object, String> keyOf) {
    for (Seen s : call) {
      if (!atWriter.add(s.key())) {
        overlaps.add(s.key());
      }
    }
    try {
      Semaphore g = gate;
      if (g != null) {
        g.acquireUninterruptibly();
        g.release();
      }
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
      calls.add(call);
      boolean refused = false;
      for (Iterator<T> it = items.iterator(); it.hasNext(); ) {
        T item = it.next();
        String key = keyOf.apply(item);
        if (refuse.test(key)) {
          refused = true;
        } else {
          it.remove();
          for (Seen s : call) {
            if (s.key().equals(key)) {
              seen.add(s);
            }
          }
        }
      }
      if (refused) {
        throw new CacheWriterException("refused " + items.stream().map(keyOf).toList());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriterException(e);
    } finally {
      for (Seen s : call) {
        atWriter.remove(s.key());
      }
    }
  }

  /** The sizes of the calls so far. */
  List<Integer> sizes() {
    return calls.stream().map(List::size).toList();
  }

  /** What the writer took for {@code key}, in order. */
  List<Seen> taken(String key) {
    return seen.stream().filter(s -> s.key().equals(key)).toList();
  }
}
