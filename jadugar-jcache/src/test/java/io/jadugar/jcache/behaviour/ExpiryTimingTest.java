package io.jadugar.jcache.behaviour;

import static javax.cache.event.EventType.CREATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

import org.junit.jupiter.api.Test;

/**
 * Expiry timing with short durations.
 *
 * <p>None of these tests asserts how fast anything happens. "Absent after" is a
 * poll with a generous deadline. "Present before" is only asserted when the
 * test can prove from its own clock readings that less than the expiry
 * duration has passed since the expiry was last set; if the machine stalls for
 * longer than that, the attempt is inconclusive and is repeated with a fresh
 * key (and the test fails only if every attempt stalls).
 */
class ExpiryTimingTest extends BehaviourTestBase {

  /** The short expiry duration used throughout. */
  private static final long D = 300;
  /** Safety margin for millisecond truncation and clock granularity. */
  private static final long MARGIN = 40;
  private static final int ATTEMPTS = 6;

  private static Duration millis(long ms) {
    return new Duration(TimeUnit.MILLISECONDS, ms);
  }

  private Cache<String, Integer> cacheWith(Factory<? extends ExpiryPolicy> expiry) {
    return createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(expiry));
  }

  private static long now() {
    return System.nanoTime() / 1_000_000L;
  }

  /**
   * Puts a fresh key and checks it is readable at once, repeating with a new key
   * if the put and the check together took so long that the entry could
   * legitimately have expired. Returns the key (present as far as we know) and
   * the clock reading taken just before its put.
   */
  private String putAndCheckPresent(Cache<String, Integer> cache, String prefix, int value) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String key = prefix + attempt;
      long start = now();
      cache.put(key, value);
      boolean present = cache.containsKey(key);
      long end = now();
      if (end - start < D - MARGIN) {
        assertTrue(present, "entry must be present right after put (" + (end - start) + " ms)");
        return key;
      }
      // stalled: inconclusive, try again with another key
    }
    fail("machine stalled for more than " + (D - MARGIN) + " ms on every attempt");
    return null;
  }

  /**
   * Keeps touching {@code key} with {@code op} (which returns whether the entry
   * was found, and refreshes its expiry if the policy says so) for at least
   * {@code 3 * D} ms. Every touch must find the entry, as long as less than
   * {@code D} has passed since the previous touch started. Returns false if the
   * machine stalled (inconclusive).
   */
  private boolean keepAlive(Cache<String, Integer> cache, String key, long lastRefreshStart,
                            BiPredicate<Cache<String, Integer>, String> op, String opName) {
    long begin = lastRefreshStart;
    long previous = lastRefreshStart;
    int touches = 0;
    while (now() - begin < 3 * D || touches < 5) {
      sleep(D / 6);
      long start = now();
      boolean found = op.test(cache, key);
      long end = now();
      if (end - previous >= D - MARGIN) {
        return false; // stalled: the entry may legitimately have expired
      }
      assertTrue(found, opName + " #" + (touches + 1) + " must find the entry "
          + (end - previous) + " ms after the previous refresh, "
          + (end - begin) + " ms after it was stored");
      previous = start;
      touches++;
    }
    return true;
  }

  private void assertKeptAliveBy(Cache<String, Integer> cache,
                                 BiPredicate<Cache<String, Integer>, String> op, String opName) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String key = "alive-" + attempt;
      long start = now();
      cache.put(key, 1);
      if (keepAlive(cache, key, start, op, opName)) {
        awaitTrue("the entry expires once it is left alone", () -> !cache.containsKey(key));
        assertNull(cache.get(key));
        return;
      }
      cache.remove(key);
    }
    fail("machine stalled for more than " + (D - MARGIN) + " ms on every attempt");
  }

  /**
   * Repeats {@code op} until it reports the entry missing; it must go missing
   * (i.e. {@code op} must not keep extending the entry's life).
   */
  private static void assertExpiresDespite(Cache<String, Integer> cache, String key,
                                           BiPredicate<Cache<String, Integer>, String> op,
                                           String opName) {
    awaitTrue("the entry expires although it keeps being hit by " + opName, () -> {
      boolean found = op.test(cache, key);
      sleep(15);
      return !found;
    });
    assertFalse(cache.containsKey(key));
    assertNull(cache.get(key));
  }

  private static final BiPredicate<Cache<String, Integer>, String> GET =
      (c, k) -> c.get(k) != null;
  private static final BiPredicate<Cache<String, Integer>, String> REPLACE =
      (c, k) -> c.replace(k, 7);
  private static final BiPredicate<Cache<String, Integer>, String> GET_AND_REPLACE =
      (c, k) -> c.getAndReplace(k, 8) != null;
  private static final BiPredicate<Cache<String, Integer>, String> INVOKE_UPDATE =
      (c, k) -> c.invoke(k, new UpdateIfPresent());
  private static final BiPredicate<Cache<String, Integer>, String> GET_THEN_REPLACE =
      (c, k) -> c.get(k) != null && c.replace(k, 9);
  private static final BiPredicate<Cache<String, Integer>, String> ANY_UPDATE =
      (c, k) -> REPLACE.test(c, k) && GET_AND_REPLACE.test(c, k) && INVOKE_UPDATE.test(c, k);

  // ------------------------------------------------------------ the four standard policies

  @Test
  void createdPolicyEntryIsPresentThenExpires() {
    Cache<String, Integer> cache = cacheWith(CreatedExpiryPolicy.factoryOf(millis(D)));
    String key = putAndCheckPresent(cache, "k", 1);
    awaitTrue("the entry created " + D + " ms ago expires", () -> !cache.containsKey(key));
    assertNull(cache.get(key));
  }

  @Test
  void createdPolicyNeitherAccessNorUpdateExtendsLife() {
    Cache<String, Integer> cache = cacheWith(CreatedExpiryPolicy.factoryOf(millis(D)));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key, GET_THEN_REPLACE, "get + replace");
  }

  @Test
  void accessedPolicyAccessExtendsLife() {
    Cache<String, Integer> cache = cacheWith(AccessedExpiryPolicy.factoryOf(millis(D)));
    assertKeptAliveBy(cache, GET, "get");
  }

  @Test
  void accessedPolicyUpdatesDoNotExtendLife() {
    Cache<String, Integer> cache = cacheWith(AccessedExpiryPolicy.factoryOf(millis(D)));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key, REPLACE, "replace");
  }

  @Test
  void modifiedPolicyUpdatesExtendLife() {
    Cache<String, Integer> cache = cacheWith(ModifiedExpiryPolicy.factoryOf(millis(D)));
    assertKeptAliveBy(cache, REPLACE, "replace");
  }

  @Test
  void modifiedPolicyAccessDoesNotExtendLife() {
    Cache<String, Integer> cache = cacheWith(ModifiedExpiryPolicy.factoryOf(millis(D)));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key, GET, "get");
  }

  @Test
  void touchedPolicyAccessExtendsLife() {
    Cache<String, Integer> cache = cacheWith(TouchedExpiryPolicy.factoryOf(millis(D)));
    assertKeptAliveBy(cache, GET, "get");
  }

  @Test
  void touchedPolicyUpdateExtendsLife() {
    Cache<String, Integer> cache = cacheWith(TouchedExpiryPolicy.factoryOf(millis(D)));
    assertKeptAliveBy(cache, REPLACE, "replace");
  }

  @Test
  void containsKeyIsNotAnAccess() {
    Cache<String, Integer> cache = cacheWith(AccessedExpiryPolicy.factoryOf(millis(D)));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key, (c, k) -> c.containsKey(k), "containsKey");
  }

  // ------------------------------------------------------------ Duration.ZERO on creation

  @Test
  void zeroCreationDurationMeansTheEntryIsNeverStored() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(Duration.ZERO, null, null)))
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true)));

    cache.put("put", 1);
    assertFalse(cache.containsKey("put"));
    assertNull(cache.get("put"));

    assertNull(cache.getAndPut("getAndPut", 1));
    assertFalse(cache.containsKey("getAndPut"));

    assertFalse(cache.putIfAbsent("putIfAbsent", 1), "nothing was stored");
    assertFalse(cache.containsKey("putIfAbsent"));

    cache.putAll(new HashMap<>(Map.of("all1", 1, "all2", 2)));
    assertFalse(cache.containsKey("all1"));
    assertFalse(cache.containsKey("all2"));

    cache.invoke("invoke", new SetValue(1));
    assertFalse(cache.containsKey("invoke"));

    assertFalse(cache.iterator().hasNext(), "the cache is empty");
    assertEquals(List.of(), listener.eventsOfType(CREATED), "nothing was created");
  }

  @Test
  void createdExpiryPolicyWithZeroDurationStoresNothing() {
    Cache<String, Integer> cache = cacheWith(CreatedExpiryPolicy.factoryOf(Duration.ZERO));
    cache.put("k", 1);
    assertFalse(cache.containsKey("k"));
    assertNull(cache.get("k"));
  }

  // ------------------------------------------------------------ custom policies

  /**
   * {@code getExpiryForUpdate()} returning null means "no change": frequent
   * updates must not push the expiry (set from the creation duration) back.
   */
  @Test
  void nullUpdateDurationLeavesTheExpiryUnchanged() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(millis(D), null, null))));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key, ANY_UPDATE, "replace + getAndReplace + invoke(setValue)");
  }

  @Test
  void nullAccessDurationLeavesTheExpiryUnchanged() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(millis(D), null, null))));
    String key = putAndCheckPresent(cache, "k", 1);
    assertExpiresDespite(cache, key,
        (c, k) -> c.get(k) != null && c.getAll(keys(k)).containsKey(k)
            && c.invoke(k, new ReadIfPresent()),
        "get + getAll + invoke(getValue)");
  }

  /** An update duration replaces an eternal creation duration. */
  @Test
  void updateDurationAppliesOnUpdate() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(Duration.ETERNAL, millis(D), null))));
    cache.put("k", 1);
    cache.put("untouched", 1);
    cache.put("k", 2);
    awaitTrue("the updated entry expires", () -> !cache.containsKey("k"));
    assertTrue(cache.containsKey("untouched"), "an entry never updated stays (eternal)");
  }

  /** An access duration replaces an eternal creation duration. */
  @Test
  void accessDurationAppliesOnAccess() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(Duration.ETERNAL, null, millis(D)))));
    cache.put("k", 1);
    cache.put("untouched", 1);
    assertEquals(1, cache.get("k"));
    awaitTrue("the accessed entry expires", () -> !cache.containsKey("k"));
    assertTrue(cache.containsKey("untouched"), "an entry never accessed stays (eternal)");
  }

  /** An eternal access duration rescues an entry that was created with a short life. */
  @Test
  void accessCanExtendAShortCreationDuration() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(Handles.factoryOf(new Policy(millis(D), null, Duration.ETERNAL))));
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String key = "k" + attempt;
      String control = "control" + attempt;
      long start = now();
      cache.put(key, 1);
      cache.put(control, 1);
      Integer got = cache.get(key);
      long end = now();
      if (end - start >= D - MARGIN) {
        continue; // stalled: the entry may legitimately have expired before the get
      }
      assertEquals(1, got);
      awaitTrue("the control entry (never accessed) expires", () -> !cache.containsKey(control));
      sleep(2 * D);
      assertTrue(cache.containsKey(key),
          "the accessed entry got an eternal expiry and must still be there");
      return;
    }
    fail("machine stalled for more than " + (D - MARGIN) + " ms on every attempt");
  }

  // ------------------------------------------------------------ helpers

  /** creation / update / access durations; null means "no change". */
  static final class Policy implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;
    private final Duration creation;
    private final Duration update;
    private final Duration access;

    Policy(Duration creation, Duration update, Duration access) {
      this.creation = creation;
      this.update = update;
      this.access = access;
    }

    @Override
    public Duration getExpiryForCreation() {
      return creation;
    }

    @Override
    public Duration getExpiryForAccess() {
      return access;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return update;
    }
  }

  static final class UpdateIfPresent
      implements EntryProcessor<String, Integer, Boolean>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(MutableEntry<String, Integer> entry, Object... arguments) {
      if (!entry.exists()) {
        return false;
      }
      entry.setValue(entry.getValue() + 1);
      return true;
    }
  }

  static final class ReadIfPresent
      implements EntryProcessor<String, Integer, Boolean>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(MutableEntry<String, Integer> entry, Object... arguments) {
      return entry.exists() && entry.getValue() != null;
    }
  }
}
