package io.jadugar.extensions.aside;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.spi.EntryMetadata;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;

/**
 * The per-key records of cache-aside in the companion cache {@code <cache>.aside}: the key's
 * generation ({@code g:<name>}, the fencing token of the last committed write) and its lease
 * ({@code l:<name>}). Also the validity check that makes an entry whose generation is no longer
 * the key's current one a miss on every read.
 */
final class Records implements ValidityCheck {

  /** Metadata: the generation record's key, listed for the store to read along with the entry. */
  static final String RECORD = "jadugar.aside.record";
  /** Metadata: the generation the entry was committed with (hex). */
  static final String GENERATION = "jadugar.aside.gen";
  /** Metadata: when the entry stops being fresh (epoch milliseconds); absent when never stale. */
  static final String FRESH_UNTIL = "jadugar.aside.fresh-until";

  /** Mixed into every generation so that two JVMs whose random generators start alike still differ. */
  private static final long JVM_NONCE = new SecureRandom().nextLong();
  /** How long a failed lease stays readable: long enough for every waiter's next poll. */
  static final Duration FAILURE_KEPT = Duration.ofSeconds(5);

  private final Cache<String, String> records;
  private final JadugarCache<String, String> vendor;

  /** The records kept in {@code records}. */
  @SuppressWarnings("unchecked")
  Records(Cache<String, String> records) {
    this.records = records;
    this.vendor = records.unwrap(JadugarCache.class);
  }

  /** The key of the generation record of the key named {@code name}. */
  static String generationKey(String name) {
    return "g:" + name;
  }

  private static String leaseKey(String name) {
    return "l:" + name;
  }

  /** A fresh random token: a generation or a lease's; never a counter, so a lost record never repeats one. */
  static String fresh() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() ^ JVM_NONCE);
  }

  /** The current generation of the key named {@code name}, or {@code null} if it has none. */
  String generation(String name) {
    return records.get(generationKey(name));
  }

  /**
   * Moves the generation of {@code name} from {@code expected} ({@code null}: none) to {@code next}
   * if nobody moved it since: the fence a load's commit must pass.
   */
  boolean advance(String name, String expected, String next, EntryOptions options) {
    String key = generationKey(name);
    return expected == null ? vendor.putIfAbsent(key, next, options) : vendor.replace(key, expected, next, options);
  }

  /** Moves the generation of {@code name} to {@code next} whatever it was: set and invalidate. */
  void move(String name, String next, EntryOptions options) {
    vendor.put(generationKey(name), next, options);
  }

  /** The lease of {@code name}, or {@code null} if none is held. */
  Lease lease(String name) {
    return Lease.parse(records.get(leaseKey(name)));
  }

  /** Takes the lease of {@code name} for {@code token} if nobody holds one. */
  boolean acquire(String name, String token, Duration leaseTime) {
    return vendor.putIfAbsent(leaseKey(name), Lease.loading(token).format(), EntryOptions.ttl(leaseTime));
  }

  /** Takes the lease of {@code name} over from {@code old}, a failed one, if it is still there. */
  boolean takeOver(String name, Lease old, String token, Duration leaseTime) {
    return vendor.replace(leaseKey(name), old.format(), Lease.loading(token).format(), EntryOptions.ttl(leaseTime));
  }

  /** Ends the lease of {@code token}, if it still holds it (one that outlived it must not end another's). */
  void release(String name, String token) {
    records.remove(leaseKey(name), Lease.loading(token).format());
  }

  /** Turns the lease of {@code token} into a failure record, if it still holds it, for waiters to see. */
  void fail(String name, String token, Throwable error) {
    vendor.replace(leaseKey(name), Lease.loading(token).format(), Lease.failed(token, error).format(),
        EntryOptions.ttl(FAILURE_KEPT));
  }

  /** The generation records an entry's metadata names, read along with the entry where the store can. */
  @Override
  public Lookup lookup() {
    return new Lookup(RECORD, records);
  }

  @Override
  public boolean isValid(EntryMetadata metadata, Map<String, Object> along) {
    String record = metadata.values().get(RECORD);
    if (record == null) {
      return true;
    }
    return along.containsKey(record) ? matches(metadata, (String) along.get(record)) : isValid(metadata);
  }

  /** Whether the entry's generation is its key's current one; a missing record never matches. */
  @Override
  public boolean isValid(EntryMetadata metadata) {
    String record = metadata.values().get(RECORD);
    return record == null || matches(metadata, records.get(record));
  }

  private static boolean matches(EntryMetadata metadata, String current) {
    return current != null && current.equals(metadata.values().get(GENERATION));
  }
}
