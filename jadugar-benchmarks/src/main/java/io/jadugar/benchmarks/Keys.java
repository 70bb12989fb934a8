package io.jadugar.benchmarks;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Every key, value and key sequence the workloads use, made once per fork with fixed seeds so that
 * every provider sees the very same operations. Keys are boxed in advance and sequences are read
 * round-robin, so that the measured loop allocates nothing of its own.
 */
public final class Keys {

  /** The maximum entry count every cache is configured with. */
  public static final int CAPACITY = 1 << 16;

  /** Keys present from the start (half the capacity: hits and updates never evict). */
  public static final int HOT = CAPACITY / 2;

  /** Distinct keys of the Zipf workload: four times the capacity, so the cache must evict. */
  public static final int UNIVERSE = CAPACITY * 4;

  /** Zipf exponent (YCSB's default): a realistic skew with a long tail. */
  public static final double ZIPF_THETA = 0.99;

  /** Entries per getAll/putAll call. */
  public static final int BULK = 100;

  /** Length of each pre-drawn sequence; a power of two, read with a mask. */
  static final int SEQUENCE = 1 << 20;
  static final int SEQUENCE_MASK = SEQUENCE - 1;
  static final int BULK_SETS = 64;

  /** Key {@code i}, boxed once before the measurement. */
  public static Integer key(int i) {
    return KEYS[i];
  }

  /** Boxed keys 0 .. UNIVERSE-1; keys below HOT are the ones present from the start. */
  static final Integer[] KEYS = new Integer[UNIVERSE];
  /** Uniformly drawn present keys, in random order, so reads do not walk the table in order. */
  static final Integer[] HOT_SEQUENCE = new Integer[SEQUENCE];
  /** Keys never stored (negative). */
  static final Integer[] ABSENT_SEQUENCE = new Integer[SEQUENCE];
  /** Zipf-distributed keys over the universe, the hottest ranks scattered over it. */
  static final Integer[] ZIPF_SEQUENCE = new Integer[SEQUENCE];
  /** One value per present key, made before the measurement. */
  static final Payload[] VALUES = new Payload[HOT];
  /** Sets of BULK present keys for getAll. */
  static final Set<Integer>[] KEY_SETS;
  /** Maps of BULK present keys to values for putAll. */
  static final Map<Integer, Payload>[] ENTRY_MAPS;

  static {
    for (int i = 0; i < UNIVERSE; i++) {
      KEYS[i] = i;
    }
    for (int i = 0; i < HOT; i++) {
      VALUES[i] = new Payload(i, 1);
    }
    Random random = new Random(42);
    for (int i = 0; i < SEQUENCE; i++) {
      HOT_SEQUENCE[i] = KEYS[random.nextInt(HOT)];
      ABSENT_SEQUENCE[i] = -1 - random.nextInt(UNIVERSE);
    }
    int[] rankToKey = permutation(UNIVERSE, random);
    Zipf zipf = new Zipf(UNIVERSE, ZIPF_THETA);
    for (int i = 0; i < SEQUENCE; i++) {
      ZIPF_SEQUENCE[i] = KEYS[rankToKey[zipf.next(random)]];
    }
    @SuppressWarnings("unchecked")
    Set<Integer>[] sets = new Set[BULK_SETS];
    @SuppressWarnings("unchecked")
    Map<Integer, Payload>[] maps = new Map[BULK_SETS];
    for (int s = 0; s < BULK_SETS; s++) {
      Set<Integer> set = new HashSet<>();
      while (set.size() < BULK) {
        set.add(KEYS[random.nextInt(HOT)]);
      }
      Map<Integer, Payload> map = new HashMap<>();
      for (Integer k : set) {
        map.put(k, VALUES[k]);
      }
      sets[s] = Collections.unmodifiableSet(set);
      maps[s] = Collections.unmodifiableMap(map);
    }
    KEY_SETS = sets;
    ENTRY_MAPS = maps;
  }

  private Keys() {}

  /** The {@code i}th of the pre-drawn sets of {@link #BULK} present keys (i below 64). */
  public static Set<Integer> keySet(int i) {
    return KEY_SETS[i];
  }

  /** The {@code i}th of the pre-drawn maps of {@link #BULK} present keys to values (i below 64). */
  public static Map<Integer, Payload> entryMap(int i) {
    return ENTRY_MAPS[i];
  }

  /** A value for key {@code k} (present keys only). */
  public static Payload valueOf(int k) {
    return VALUES[k];
  }

  private static int[] permutation(int n, Random random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
