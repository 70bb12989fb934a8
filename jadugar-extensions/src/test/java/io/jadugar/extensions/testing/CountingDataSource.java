package io.jadugar.extensions.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A real {@link DataSource} wrapped so that it counts the queries its prepared statements execute:
 * the database still runs every one of them, the count only says how many were sent.
 */
public final class CountingDataSource {

  private CountingDataSource() {}

  /** {@code target} counting into {@code executed} every {@code executeQuery} of its prepared statements. */
  public static DataSource wrap(DataSource target, AtomicLong executed) {
    return proxy(DataSource.class, target, (m, result) -> m.equals("getConnection")
        ? proxy(Connection.class, result, (m2, r2) -> m2.equals("prepareStatement")
            ? proxy(PreparedStatement.class, r2, (m3, r3) -> {
              if (m3.equals("executeQuery")) {
                executed.incrementAndGet();
              }
              return r3;
            })
            : r2)
        : result);
  }

  private interface After {
    Object apply(String method, Object result);
  }

  private static <T> T proxy(Class<T> type, Object target, After after) {
    InvocationHandler h = (p, method, args) -> {
      try {
        return after.apply(method.getName(), method.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }
}
