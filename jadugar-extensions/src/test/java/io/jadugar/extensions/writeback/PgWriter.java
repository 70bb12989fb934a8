package io.jadugar.extensions.writeback;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.sql.DataSource;

/**
 * A writer to a PostgreSQL table {@code (k TEXT PRIMARY KEY, v TEXT, version BIGINT)}, one
 * transaction per batch, that keeps a row's newer version: a replayed older change changes nothing.
 */
final class PgWriter implements CacheWriter<String, String> {

  private final DataSource dataSource;
  private final String table;

  PgWriter(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  static String createTable(String table) {
    return "CREATE TABLE " + table + " (k TEXT PRIMARY KEY, v TEXT, version BIGINT NOT NULL)";
  }

  @Override
  public void write(Cache.Entry<? extends String, ? extends String> entry) {
    throw new UnsupportedOperationException("batches only");
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO " + table
        + " (k, v, version) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, version = EXCLUDED.version"
        + " WHERE " + table + ".version < EXCLUDED.version")) {
      c.setAutoCommit(false);
      for (Cache.Entry<? extends String, ? extends String> e : entries) {
        s.setString(1, e.getKey());
        s.setString(2, e.getValue());
        s.setLong(3, WriteBackEntry.versionOf(e));
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
      entries.clear();
    } catch (SQLException e) {
      throw new CacheWriterException("writing " + entries.size() + " rows to " + table + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(Object key) {
    throw new UnsupportedOperationException("batches only");
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "DELETE FROM " + table + " WHERE k = ?")) {
      c.setAutoCommit(false);
      for (Object k : keys) {
        s.setString(1, k.toString());
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
      keys.clear();
    } catch (SQLException e) {
      throw new CacheWriterException("deleting " + keys.size() + " rows of " + table + " failed: " + e.getMessage(), e);
    }
  }
}
