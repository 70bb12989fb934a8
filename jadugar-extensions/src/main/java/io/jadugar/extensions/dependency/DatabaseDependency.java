package io.jadugar.extensions.dependency;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A dependency on a query's result: a SHA-256 fingerprint of its rows when the dependency was made.
 * A different result (a row updated, added, deleted) makes it invalid once the query is run again:
 * at most once per check interval, for every dependency on the same query and parameters together.
 * Parameters are strings, integers, longs, booleans, {@link BigDecimal}s or {@code null}, so that a
 * JVM reading the entry can run the same query.
 */
public final class DatabaseDependency extends SourceDependency {

  private final String dataSource;
  private final String query;
  private final List<Object> params;
  private final String fingerprint;

  DatabaseDependency(Sources sources, String token, String dataSource, String query, List<Object> params,
      String fingerprint) {
    super(sources, token, markerKey(dataSource, query, params));
    this.dataSource = dataSource;
    this.query = query;
    this.params = Collections.unmodifiableList(new ArrayList<>(params));
    this.fingerprint = fingerprint;
  }

  /** The name its {@code DataSource} is registered under ({@link Dependencies#register}). */
  public String dataSource() {
    return dataSource;
  }

  /** The SQL query. */
  public String query() {
    return query;
  }

  /** The query's parameters. */
  public List<Object> params() {
    return params;
  }

  @Override
  String kind() {
    return "query";
  }

  @Override
  List<String> fields() {
    List<String> f = new ArrayList<>(List.of(dataSource, query, fingerprint));
    params.forEach(p -> f.add(encodeParam(p)));
    return f;
  }

  static DatabaseDependency parse(Sources sources, String token, List<String> f) {
    MetadataFormat.expect("query", f, 3);
    List<Object> params = new ArrayList<>();
    for (String p : f.subList(3, f.size())) {
      params.add(decodeParam(p));
    }
    return new DatabaseDependency(sources, token, f.get(0), f.get(1), params, f.get(2));
  }

  /** The marker's key, also the key of the shared check: the data source, the query and its parameters. */
  static String markerKey(String dataSource, String query, List<Object> params) {
    List<String> parts = new ArrayList<>(List.of(dataSource, query));
    params.forEach(p -> parts.add(encodeParam(p)));
    return "query:" + Hashes.of(parts);
  }

  @Override
  boolean unchanged() {
    return sources.query(markerKey, dataSource, query, params).matches(fingerprint);
  }

  /** {@code value} as a typed string; throws for a type a reading JVM could not rebuild. */
  static String encodeParam(Object value) {
    if (value == null) {
      return "n";
    } else if (value instanceof String s) {
      return "s:" + s;
    } else if (value instanceof Integer i) {
      return "i:" + i;
    } else if (value instanceof Long l) {
      return "l:" + l;
    } else if (value instanceof Boolean b) {
      return "b:" + b;
    } else if (value instanceof BigDecimal d) {
      return "d:" + d.toPlainString();
    }
    throw new IllegalArgumentException("A query parameter of a DatabaseDependency must be a String, Integer, "
        + "Long, Boolean, BigDecimal or null (a reading JVM rebuilds it from text), not " + value.getClass().getName());
  }

  static Object decodeParam(String s) {
    if (s.equals("n")) {
      return null;
    }
    String v = s.substring(2);
    return switch (s.substring(0, 2)) {
      case "s:" -> v;
      case "i:" -> Integer.valueOf(v);
      case "l:" -> Long.valueOf(v);
      case "b:" -> Boolean.valueOf(v);
      case "d:" -> new BigDecimal(v);
      default -> throw new IllegalArgumentException("unknown query parameter type in '" + s + "'");
    };
  }

  @Override
  public String toString() {
    return "DatabaseDependency[" + dataSource + ": " + query + " " + params + ", " + fingerprint + "]";
  }
}
