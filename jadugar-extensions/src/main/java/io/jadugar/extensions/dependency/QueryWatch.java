package io.jadugar.extensions.dependency;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fingerprint of one query with its parameters, shared by every dependency on it: the query runs
 * at most once per interval, whatever the number of entries and threads that ask.
 */
final class QueryWatch {

  private final RateLimited<String> fingerprint;

  QueryWatch(String name, DataSource dataSource, String query, List<Object> params, long intervalNanos) {
    this.fingerprint = new RateLimited<>(intervalNanos, () -> run(name, dataSource, query, params));
  }

  /** The fingerprint of the result, at most an interval old; throws if the query failed. */
  String fingerprint() {
    return fingerprint.get();
  }

  /** Whether {@code captured} is the result's fingerprint (one more query when it may be newer than ours). */
  boolean matches(String captured) {
    return fingerprint.matches(captured);
  }

  /** SHA-256 over every row's columns as text, in the query's order. */
  static String run(String name, DataSource dataSource, String query, List<Object> params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
      for (int i = 0; i < params.size(); i++) {
        s.setObject(i + 1, params.get(i));
      }
      MessageDigest md = Hashes.sha256();
      try (ResultSet rs = s.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          md.update((byte) '\n'); // a row, so that an empty row still counts
          for (int i = 1; i <= columns; i++) {
            Hashes.update(md, rs.getString(i));
          }
        }
      }
      return Hashes.hex(md.digest());
    } catch (SQLException e) {
      throw new IllegalStateException("The dependency query on data source '" + name + "' failed: " + query
          + " " + params + ": " + e.getMessage(), e);
    }
  }
}
