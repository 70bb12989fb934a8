package io.jadugar.jcache.behaviour;

import static javax.cache.event.EventType.CREATED;
import static javax.cache.event.EventType.EXPIRED;
import static javax.cache.event.EventType.REMOVED;
import static javax.cache.event.EventType.UPDATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

import org.junit.jupiter.api.Test;

/**
 * Cache entry listener behaviour: which operations raise which events, in what
 * order, with which old values, and how filters, runtime (de)registration and
 * asynchronous listeners behave.
 */
class ListenerEventsTest extends BehaviourTestBase {

  private Cache<String, Integer> cacheWith(RecordingListener<String, Integer> listener,
                                           boolean oldValueRequired, boolean synchronous) {
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(
            listenerConfig(listener, null, oldValueRequired, synchronous));
    return createCache(config);
  }

  private Cache<String, Integer> syncCacheWith(RecordingListener<String, Integer> listener) {
    return cacheWith(listener, true, true);
  }

  // ------------------------------------------------------------ basic kinds & order

  @Test
  void synchronousListenerSeesEachEventBeforeTheCallReturns() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("k", 1);
    assertEquals(List.of("CREATED k=1"), listener.briefs(), "after first put");

    cache.put("k", 2);
    assertEquals(List.of("CREATED k=1", "UPDATED k=2"), listener.briefs(), "after second put");

    assertTrue(cache.remove("k"));
    assertEquals(List.of("CREATED k=1", "UPDATED k=2", "REMOVED k=2"), listener.briefs(),
        "after remove (REMOVED carries the removed value as value, see getValue() javadoc)");

    cache.put("k", 3);
    assertEquals(List.of("CREATED k=1", "UPDATED k=2", "REMOVED k=2", "CREATED k=3"),
        listener.briefs(), "a put after a remove is a creation again");
  }

  @Test
  void eventsForOneKeyArriveInOperationOrderEvenWhenKeysInterleave() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    List<String> expectedA = new ArrayList<>();
    List<String> expectedB = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      cache.put("a", i);
      expectedA.add((i == 0 ? "CREATED" : "UPDATED") + " a=" + i);
      cache.put("b", 1000 + i);
      expectedB.add((i == 0 ? "CREATED" : "UPDATED") + " b=" + (1000 + i));
      if (i % 10 == 9) {
        cache.remove("a");
        expectedA.add("REMOVED a=" + i);
        cache.put("a", -i);
        expectedA.add("CREATED a=" + -i);
      }
    }
    assertEquals(expectedA, listener.briefsForKey("a"));
    assertEquals(expectedB, listener.briefsForKey("b"));
  }

  @Test
  void asynchronousListenerEventuallyReceivesAllEventsInPerKeyOrder() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = cacheWith(listener, true, false);

    List<String> expected = new ArrayList<>();
    cache.put("k", 0);
    expected.add("CREATED k=0");
    for (int i = 1; i <= 200; i++) {
      cache.put("k", i);
      expected.add("UPDATED k=" + i);
    }
    cache.remove("k");
    expected.add("REMOVED k=200");
    cache.put("other", 7);

    awaitTrue("the asynchronous listener received all " + (expected.size() + 1) + " events",
        () -> listener.size() >= expected.size() + 1);
    assertEquals(expected, listener.briefsForKey("k"),
        "asynchronous listeners must still see events on one key in the order they occurred");
    assertEquals(List.of("CREATED other=7"), listener.briefsForKey("other"));
    // nothing extra trickles in afterwards
    sleep(100);
    assertEquals(expected.size() + 1, listener.size());
  }

  // ------------------------------------------------------------ old values

  @Test
  void oldValueRequiredTrueUpdatedAndRemovedCarryTheOldValue() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = cacheWith(listener, true, true);

    cache.put("k", 1);
    cache.put("k", 2);
    cache.remove("k");

    List<RecordingListener.Ev> events = listener.events();
    assertEquals(3, events.size(), events.toString());

    RecordingListener.Ev created = events.get(0);
    assertEquals(CREATED, created.type);
    assertEquals(1, created.value);
    assertNull(created.oldValue, "a created entry has no previous value");

    RecordingListener.Ev updated = events.get(1);
    assertEquals(UPDATED, updated.type);
    assertEquals(2, updated.value);
    assertEquals(1, updated.oldValue);
    assertTrue(updated.oldValueAvailable, "oldValueRequired=true: old value must be available");

    RecordingListener.Ev removed = events.get(2);
    assertEquals(REMOVED, removed.type);
    assertEquals(2, removed.oldValue);
    assertTrue(removed.oldValueAvailable, "oldValueRequired=true: old value must be available");
    assertEquals(2, removed.value, "for REMOVED, getValue() returns the same as getOldValue()");
  }

  /**
   * The javadoc only says the old value "may" be available when it is not
   * required; Jadugar (like the RI) chooses not to provide it, so an unrequired
   * old value is never shipped to the listener.
   */
  @Test
  void oldValueRequiredFalseOldValueIsAbsentAlsoForRemoved() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = cacheWith(listener, false, true);

    cache.put("k", 1);
    cache.put("k", 2);
    cache.remove("k");

    List<RecordingListener.Ev> events = listener.events();
    assertEquals(List.of(CREATED, UPDATED, REMOVED), events.stream().map(e -> e.type).toList());

    RecordingListener.Ev updated = events.get(1);
    assertEquals(2, updated.value, "the new value is always available for UPDATED");
    assertNull(updated.oldValue);
    assertFalse(updated.oldValueAvailable);

    RecordingListener.Ev removed = events.get(2);
    assertNull(removed.oldValue);
    assertFalse(removed.oldValueAvailable);
    assertNull(removed.value, "for REMOVED, getValue() returns the same as getOldValue()");
  }

  @Test
  void twoListenersWithDifferentOldValueRequirementsEachGetTheirOwnView() {
    RecordingListener<String, Integer> withOld = new RecordingListener<>();
    RecordingListener<String, Integer> withoutOld = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(listenerConfig(withOld, null, true, true))
        .addCacheEntryListenerConfiguration(listenerConfig(withoutOld, null, false, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("k", 1);
    cache.put("k", 2);

    assertEquals(1, withOld.eventsOfType(UPDATED).get(0).oldValue);
    assertNull(withoutOld.eventsOfType(UPDATED).get(0).oldValue);
    assertFalse(withoutOld.eventsOfType(UPDATED).get(0).oldValueAvailable);
  }

  // ------------------------------------------------------------ per-operation events

  @Test
  void getAndPutRaisesCreatedThenUpdatedWithOldValue() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    assertNull(cache.getAndPut("k", 1));
    assertEquals(1, cache.getAndPut("k", 2));

    List<RecordingListener.Ev> events = listener.events();
    assertEquals(List.of("CREATED k=1", "UPDATED k=2"), listener.briefs());
    assertEquals(1, events.get(1).oldValue);
  }

  @Test
  void putIfAbsentRaisesCreatedOnlyWhenItStoresAValue() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    assertTrue(cache.putIfAbsent("k", 1));
    assertFalse(cache.putIfAbsent("k", 2));
    assertFalse(cache.putIfAbsent("k", 1));

    assertEquals(List.of("CREATED k=1"), listener.briefs(),
        "a putIfAbsent that finds a value must not raise any event");
    assertEquals(1, cache.get("k"));
  }

  @Test
  void replaceVariantsRaiseUpdatedOnlyWhenTheyReplace() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    assertFalse(cache.replace("k", 1), "replace on an absent key");
    assertNull(cache.getAndReplace("k", 1), "getAndReplace on an absent key");
    assertEquals(List.of(), listener.briefs(), "no event for replace on an absent key");

    cache.put("k", 1);
    assertTrue(cache.replace("k", 2));
    assertFalse(cache.replace("k", 99, 3), "replace(k, old, new) with a wrong old value");
    assertTrue(cache.replace("k", 2, 3));
    assertEquals(3, cache.getAndReplace("k", 4));

    assertEquals(List.of("CREATED k=1", "UPDATED k=2", "UPDATED k=3", "UPDATED k=4"),
        listener.briefs());
    List<RecordingListener.Ev> updates = listener.eventsOfType(UPDATED);
    assertEquals(List.of(1, 2, 3), updates.stream().map(e -> e.oldValue).toList(),
        "old values of the three UPDATED events");
  }

  @Test
  void conditionalRemoveRaisesRemovedOnlyOnMatch() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("k", 1);
    assertFalse(cache.remove("k", 2));
    assertFalse(cache.remove("absent", 1));
    assertEquals(List.of("CREATED k=1"), listener.briefs(), "no event for a non-matching remove");

    assertTrue(cache.remove("k", 1));
    assertEquals(List.of("CREATED k=1", "REMOVED k=1"), listener.briefs());
    assertEquals(1, listener.eventsOfType(REMOVED).get(0).oldValue);

    assertFalse(cache.remove("k"), "unconditional remove of an absent key");
    assertNull(cache.getAndRemove("k"));
    assertEquals(2, listener.size(), "no event when nothing was removed");
  }

  @Test
  void getAndRemoveRaisesRemovedWithTheOldValue() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("k", 5);
    assertEquals(5, cache.getAndRemove("k"));
    List<RecordingListener.Ev> removed = listener.eventsOfType(REMOVED);
    assertEquals(1, removed.size());
    assertEquals(5, removed.get(0).oldValue);
  }

  @Test
  void putAllRaisesCreatedForNewKeysAndUpdatedForExistingOnes() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("existing", 1);
    listener.reset();

    Map<String, Integer> batch = new LinkedHashMap<>();
    batch.put("existing", 2);
    batch.put("new1", 10);
    batch.put("new2", 20);
    cache.putAll(batch);

    assertEquals(3, listener.size(), listener.events().toString());
    assertEquals(List.of("UPDATED existing=2"), listener.briefsForKey("existing"));
    assertEquals(1, listener.eventsForKey("existing").get(0).oldValue);
    assertEquals(List.of("CREATED new1=10"), listener.briefsForKey("new1"));
    assertEquals(List.of("CREATED new2=20"), listener.briefsForKey("new2"));
  }

  @Test
  void removeAllRaisesRemovedForEachPresentKeyOnly() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    listener.reset();

    cache.removeAll(keys("a", "b", "absent"));
    assertEquals(2, listener.size(), listener.events().toString());
    assertEquals(List.of("REMOVED a=1"), listener.briefsForKey("a"));
    assertEquals(List.of("REMOVED b=2"), listener.briefsForKey("b"));
    assertEquals(1, listener.eventsForKey("a").get(0).oldValue);

    listener.reset();
    cache.put("d", 4);
    listener.reset();
    cache.removeAll();
    assertEquals(2, listener.size(), "removeAll() notifies every removed entry");
    assertEquals(List.of("REMOVED c=3"), listener.briefsForKey("c"));
    assertEquals(List.of("REMOVED d=4"), listener.briefsForKey("d"));
  }

  @Test
  void clearDoesNotNotifyListeners() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.put("a", 1);
    cache.put("b", 2);
    listener.reset();

    cache.clear();
    assertFalse(cache.containsKey("a"));
    assertEquals(List.of(), listener.briefs(), "clear() must not raise REMOVED events");
  }

  @Test
  void invokeRaisesEventsMatchingWhatTheProcessorDid() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.invoke("k", new SetValue(1));
    assertEquals(List.of("CREATED k=1"), listener.briefs(), "setValue on an absent key");

    cache.invoke("k", new SetValue(2));
    assertEquals(List.of("CREATED k=1", "UPDATED k=2"), listener.briefs(),
        "setValue on a present key");
    assertEquals(1, listener.eventsOfType(UPDATED).get(0).oldValue);

    assertEquals(2, cache.invoke("k", new GetValue()));
    assertEquals(2, listener.size(), "an invoke that only reads must not raise an event");

    cache.invoke("k", new Remove());
    assertEquals(List.of("CREATED k=1", "UPDATED k=2", "REMOVED k=2"), listener.briefs());
    assertEquals(2, listener.eventsOfType(REMOVED).get(0).oldValue);

    cache.invoke("other", new SetTwiceThenMaybeRemove(false));
    assertEquals(List.of("CREATED other=6"), listener.briefsForKey("other"),
        "several setValue calls in one invoke collapse into one event with the last value");

    cache.invoke("third", new SetTwiceThenMaybeRemove(true));
    assertEquals(List.of(), listener.briefsForKey("third"),
        "create-then-remove inside one invoke is a no-op and raises nothing");
    assertFalse(cache.containsKey("third"));
  }

  /**
   * {@code MutableEntry.remove()} has "the same semantics as calling
   * {@code Cache.remove(K)}", and removing an absent key raises no event.
   * (The RI 1.1.1 raises a REMOVED event with null values here.)
   */
  @Test
  void invokeRemovingAnAbsentEntryRaisesNothing() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = syncCacheWith(listener);

    cache.invoke("absent", new Remove());
    assertEquals(List.of(), listener.briefs(), "removing an absent entry raises nothing");
    assertFalse(cache.containsKey("absent"));
  }

  // ------------------------------------------------------------ expiry

  @Test
  void accessingAnExpiredEntryRaisesExactlyOneExpiredEventAndNoRemovedEvent() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
            new Duration(TimeUnit.MILLISECONDS, 150)))
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("k", 42);
    awaitTrue("the entry has expired", () -> !cache.containsKey("k"));

    assertNull(cache.get("k"), "an expired entry is not returned");
    awaitTrue("an EXPIRED event was delivered", () -> !listener.eventsOfType(EXPIRED).isEmpty());

    List<RecordingListener.Ev> expired = listener.eventsOfType(EXPIRED);
    assertEquals(1, expired.size(), "one expiry, one EXPIRED event: " + listener.events());
    RecordingListener.Ev ev = expired.get(0);
    assertEquals("k", ev.key);
    assertEquals(42, ev.oldValue, "oldValueRequired=true: the expired value is the old value");
    assertTrue(ev.oldValueAvailable);
    assertEquals(42, ev.value, "for EXPIRED, getValue() returns the same as getOldValue()");
    assertEquals(List.of(), listener.eventsOfType(REMOVED), "expiry is not a removal");
    assertEquals(List.of("CREATED k=42"), listener.eventsOfType(CREATED).stream()
        .map(RecordingListener.Ev::brief).toList());
  }

  /**
   * An entry expires once, so however often the expired key is accessed
   * afterwards there is exactly one EXPIRED event. (The RI 1.1.1 raises one per
   * access with store-by-value: it removes the expired entry using the external
   * key instead of the stored (serialized) key, so the entry stays behind.)
   */
  @Test
  void repeatedAccessToAnExpiredEntryReportsTheExpiryOnlyOnce() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
            new Duration(TimeUnit.MILLISECONDS, 150)))
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("k", 42);
    awaitTrue("the entry has expired", () -> !cache.containsKey("k"));
    assertNull(cache.get("k"));
    awaitTrue("an EXPIRED event was delivered", () -> !listener.eventsOfType(EXPIRED).isEmpty());

    assertNull(cache.get("k"));
    assertFalse(cache.containsKey("k"));
    assertNull(cache.get("k"));
    assertNull(cache.getAndRemove("k"));
    assertFalse(cache.replace("k", 1));

    assertEquals(1, listener.eventsOfType(EXPIRED).size(),
        "one expiry, one EXPIRED event: " + listener.events());
    assertEquals(List.of(), listener.eventsOfType(REMOVED));
  }

  @Test
  void putAfterExpiryIsACreationNotAnUpdate() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
            new Duration(TimeUnit.MILLISECONDS, 150)))
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("k", 1);
    awaitTrue("the entry has expired", () -> !cache.containsKey("k"));
    cache.put("k", 2);

    awaitTrue("the EXPIRED event arrived", () -> !listener.eventsOfType(EXPIRED).isEmpty());
    assertEquals(List.of(), listener.eventsOfType(UPDATED),
        "the second put found no live entry, so it must not be reported as an update");
    assertEquals(List.of("CREATED k=1", "CREATED k=2"), listener.eventsOfType(CREATED).stream()
        .map(RecordingListener.Ev::brief).toList());
    assertEquals(1, listener.eventsOfType(EXPIRED).size());
    assertEquals(1, listener.eventsOfType(EXPIRED).get(0).oldValue);
  }

  // ------------------------------------------------------------ filters

  @Test
  void filterDecidesWhichEventsReachTheListener() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(
            listenerConfig(listener, new KeyPrefixFilter("keep"), true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("keep-1", 1);
    cache.put("drop-1", 1);
    cache.put("keep-1", 2);
    cache.put("drop-1", 2);
    cache.remove("keep-1");
    cache.remove("drop-1");

    assertEquals(List.of("CREATED keep-1=1", "UPDATED keep-1=2", "REMOVED keep-1=2"),
        listener.briefs());
  }

  @Test
  void filterCanSelectByEventType() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(
            listenerConfig(listener, new EventTypeFilter(UPDATED), true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("k", 1);
    cache.put("k", 2);
    cache.put("k", 3);
    cache.remove("k");

    assertEquals(List.of("UPDATED k=2", "UPDATED k=3"), listener.briefs());
    assertEquals(List.of(1, 2), listener.events().stream().map(e -> e.oldValue).toList());
  }

  @Test
  void filterOnlyAffectsItsOwnListener() {
    RecordingListener<String, Integer> filtered = new RecordingListener<>();
    RecordingListener<String, Integer> unfiltered = new RecordingListener<>();
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(
            listenerConfig(filtered, new KeyPrefixFilter("x"), true, true))
        .addCacheEntryListenerConfiguration(listenerConfig(unfiltered, null, true, true));
    Cache<String, Integer> cache = createCache(config);

    cache.put("x1", 1);
    cache.put("y1", 1);

    assertEquals(List.of("CREATED x1=1"), filtered.briefs());
    assertEquals(List.of("CREATED x1=1", "CREATED y1=1"), unfiltered.briefs());
  }

  // ------------------------------------------------------------ runtime (de)registration

  @Test
  void listenerRegisteredAtRuntimeSeesOnlyLaterEventsAndNoneAfterDeregistration() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));

    cache.put("k", 1);

    RecordingListener<String, Integer> listener = new RecordingListener<>();
    CacheEntryListenerConfiguration<String, Integer> registration =
        listenerConfig(listener, null, true, true);
    cache.registerCacheEntryListener(registration);
    assertTrue(containsRegistration(cache, registration),
        "the registration shows up in the cache's configuration");

    cache.put("k", 2);
    cache.put("j", 1);
    assertEquals(List.of("UPDATED k=2", "CREATED j=1"), listener.briefs());
    assertEquals(1, listener.events().get(0).oldValue);

    cache.deregisterCacheEntryListener(registration);
    assertFalse(containsRegistration(cache, registration),
        "the registration is gone from the cache's configuration");

    cache.put("k", 3);
    cache.remove("j");
    assertEquals(List.of("UPDATED k=2", "CREATED j=1"), listener.briefs(),
        "a deregistered listener gets no more events");
  }

  @Test
  void registeringTheSameListenerConfigurationTwiceIsRejected() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    CacheEntryListenerConfiguration<String, Integer> registration =
        listenerConfig(listener, null, true, true);
    cache.registerCacheEntryListener(registration);

    assertThrows(IllegalArgumentException.class,
        () -> cache.registerCacheEntryListener(registration));

    cache.put("k", 1);
    assertEquals(List.of("CREATED k=1"), listener.briefs(),
        "the listener must still be registered exactly once");
  }

  @Test
  void deregisteringOneOfTwoListenersLeavesTheOtherActive() {
    RecordingListener<String, Integer> first = new RecordingListener<>();
    RecordingListener<String, Integer> second = new RecordingListener<>();
    CacheEntryListenerConfiguration<String, Integer> firstReg =
        listenerConfig(first, null, true, true);
    CacheEntryListenerConfiguration<String, Integer> secondReg =
        listenerConfig(second, null, true, true);
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(firstReg));
    cache.registerCacheEntryListener(secondReg);

    cache.put("k", 1);
    cache.deregisterCacheEntryListener(firstReg);
    cache.put("k", 2);

    assertEquals(List.of("CREATED k=1"), first.briefs(),
        "a listener from the initial configuration can be deregistered too");
    assertEquals(List.of("CREATED k=1", "UPDATED k=2"), second.briefs());
  }

  private static boolean containsRegistration(Cache<String, Integer> cache,
      CacheEntryListenerConfiguration<String, Integer> registration) {
    @SuppressWarnings("unchecked")
    CompleteConfiguration<String, Integer> config =
        cache.getConfiguration(CompleteConfiguration.class);
    for (CacheEntryListenerConfiguration<String, Integer> c
        : config.getCacheEntryListenerConfigurations()) {
      if (c.equals(registration)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------ helpers

  static final class KeyPrefixFilter
      implements CacheEntryEventFilter<String, Integer>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String prefix;

    KeyPrefixFilter(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends Integer> event) {
      return event.getKey().startsWith(prefix);
    }
  }

  static final class EventTypeFilter
      implements CacheEntryEventFilter<String, Integer>, Serializable {
    private static final long serialVersionUID = 1L;
    private final EventType type;

    EventTypeFilter(EventType type) {
      this.type = type;
    }

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends Integer> event) {
      return event.getEventType() == type;
    }
  }

  static final class Remove implements EntryProcessor<String, Integer, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
      entry.remove();
      return null;
    }
  }

  static final class SetTwiceThenMaybeRemove
      implements EntryProcessor<String, Integer, Void>, Serializable {
    private static final long serialVersionUID = 1L;
    private final boolean remove;

    SetTwiceThenMaybeRemove(boolean remove) {
      this.remove = remove;
    }

    @Override
    public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
      entry.setValue(5);
      entry.setValue(6);
      if (remove) {
        entry.remove();
      }
      return null;
    }
  }
}
