package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.cache.internal.BasicCacheKeyImplementation;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.cache.interceptor.SimpleKey;

/** The read limits refuse bombs, not values: real shapes read back with the default limits. */
class HonestValuesTest {

  /** A node of a linked structure, as applications write them. */
  public static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    Node next;
    Node previous;
    String name;

    Node() {}

    Node(String name) {
      this.name = name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Node && Objects.equals(((Node) o).name, name);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(name);
    }
  }

  /** A customer many orders share. */
  public record Customer(String name, List<String> addresses) implements Serializable {}

  /** An order that refers to a shared customer and hashes by its id only. */
  public static final class Order implements Serializable {
    private static final long serialVersionUID = 1L;
    long id;
    Customer customer;

    Order() {}

    Order(long id, Customer customer) {
      this.id = id;
      this.customer = customer;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Order && ((Order) o).id == id;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(id);
    }
  }

  private static FrameCodec codec(String serializer) {
    return CodecFixtures.frames("jadugar.serializer", serializer, "jadugar.serializer.allow", "io.jadugar.jcache.codec.");
  }

  private static Object roundTrip(String serializer, Object value) {
    FrameCodec codec = codec(serializer);
    return codec.decodeValue(codec.encodeValue(value));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java"})
  void graphsWithCyclesReadBack(String serializer) {
    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    b.previous = a;
    a.previous = b;
    Node back = (Node) roundTrip(serializer, a);
    assertSame(back, back.next.next);
    assertSame(back, back.next.previous);
    // a doubly linked ring of 200 nodes in a set, each hashing by its name (read by recursion:
    // 200 deep)
    List<Node> ring = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ring.add(new Node("n" + i));
    }
    for (int i = 0; i < ring.size(); i++) {
      ring.get(i).next = ring.get((i + 1) % ring.size());
      ring.get(i).previous = ring.get((i + ring.size() - 1) % ring.size());
    }
    Set<Node> set = new HashSet<>(ring);
    assertEquals(set, roundTrip(serializer, set));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java"})
  void aLinkedListOfTenThousandNodesAndAChainTwoHundredDeepReadBack(String serializer) {
    // the JDK's LinkedList is written element by element; a chain of nodes holding each other is
    // written by recursion, which a default thread stack cannot take 10,000 deep in either Kryo or
    // Java serialization (the application's own put fails first), so max-depth stays well below
    LinkedList<Node> list = new LinkedList<>();
    for (int i = 0; i < 10_000; i++) {
      list.add(new Node("n" + i));
    }
    assertEquals(list, roundTrip(serializer, list));
    Node head = new Node("0");
    Node last = head;
    for (int i = 1; i < 200; i++) {
      last.next = new Node(String.valueOf(i));
      last = last.next;
    }
    Node back = (Node) roundTrip(serializer, head);
    int n = 0;
    for (Node x = back; x != null; x = x.next) {
      assertEquals(String.valueOf(n++), x.name);
    }
    assertEquals(200, n);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java", "json", "msgpack"})
  void collectionsOfCollectionsThatShareNothingReadBack(String serializer) {
    Set<Set<String>> sets = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      sets.add(new HashSet<>(List.of("a" + i, "b" + i, "c" + i)));
    }
    assertEquals(sets, roundTrip(serializer, sets));
    if (!serializer.equals("json") && !serializer.equals("msgpack")) { // their map keys are text
      Map<List<String>, Integer> byList = new HashMap<>();
      for (int i = 0; i < 10_000; i++) {
        byList.put(new ArrayList<>(List.of("k" + i, "l" + i)), i);
      }
      assertEquals(byList, roundTrip(serializer, byList));
    }
    Object nested = tree(6, "t"); // sets of sets six levels deep, each level rehashing the ones below
    assertEquals(nested, roundTrip(serializer, nested));
    Map<String, String> big = new LinkedHashMap<>();
    for (int i = 0; i < 200_000; i++) {
      big.put("key" + i, "value" + i);
    }
    assertEquals(big, roundTrip(serializer, big));
  }

  /** Sets of four sets, {@code depth} levels, nothing shared. */
  private static Object tree(int depth, String name) {
    if (depth == 0) {
      return name;
    }
    Set<Object> level = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      level.add(tree(depth - 1, name + i));
    }
    return level;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java"})
  void sharedObjectsReadBackAsOne(String serializer) {
    Customer acme = new Customer("acme", new ArrayList<>(List.of("1 Main St", "2 Side St")));
    Set<Order> orders = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      orders.add(new Order(i, acme));
    }
    @SuppressWarnings("unchecked")
    Set<Order> back = (Set<Order>) roundTrip(serializer, orders);
    assertEquals(orders, back);
    Customer shared = back.iterator().next().customer;
    back.forEach(o -> assertSame(shared, o.customer));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kryo", "java"})
  void hibernateEntriesAndSpringKeysReadBackInBulk(String serializer) throws Exception {
    Constructor<StandardCacheEntryImpl> entryCtor = StandardCacheEntryImpl.class
        .getDeclaredConstructor(Serializable[].class, String.class, Object.class);
    entryCtor.setAccessible(true);
    Map<Object, Object> region = new HashMap<>();
    Map<Object, Object> spring = new HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      region.put(new BasicCacheKeyImplementation((long) i, "com.example.Order", i),
          entryCtor.newInstance(new Serializable[] {"Ada" + i, i, java.time.LocalDate.of(1990, 1, 2),
              new ArrayList<>(List.of("x", "y"))}, "com.example.Order", 3));
      spring.put(new SimpleKey("user", (long) i, List.of("role", "admin")), "result " + i);
    }
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer", serializer);
    @SuppressWarnings("unchecked")
    Map<Object, Object> back = (Map<Object, Object>) codec.decodeValue(codec.encodeValue(region));
    assertEquals(region.keySet(), back.keySet());
    StandardCacheEntryImpl entry = (StandardCacheEntryImpl) back.get(new BasicCacheKeyImplementation(7L, "com.example.Order", 7));
    assertEquals("Ada7", entry.getDisassembledState()[0]);
    if (serializer.equals("java")) { // Kryo skips SimpleKey's transient hash, so only Java gives equal keys back
      assertEquals(spring, codec.decodeValue(codec.encodeValue(spring)));
    } else {
      assertEquals(spring.size(), ((Map<?, ?>) codec.decodeValue(codec.encodeValue(spring))).size());
    }
  }
}
