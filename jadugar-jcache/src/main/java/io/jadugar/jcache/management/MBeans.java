package io.jadugar.jcache.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers and unregisters the JSR-107 beans under their standard object names, and Jadugar's own
 * under the same shape of name in its own domain, {@code io.jadugar}.
 */
public final class MBeans {

  /** The kind of bean, as it appears in {@code type=}, with its domain. */
  public enum Kind {
    /** {@link javax.cache.management.CacheMXBean}. */
    CacheConfiguration("javax.cache"),
    /** {@link javax.cache.management.CacheStatisticsMXBean}. */
    CacheStatistics("javax.cache"),
    /** {@link CacheMetricsMXBean}: Jadugar's, so outside the standard's domain. */
    CacheMetrics("io.jadugar");

    private final String domain;

    Kind(String domain) {
      this.domain = domain;
    }
  }

  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private MBeans() {}

  /** {@code <domain>:type=<kind>,CacheManager=<uri>,Cache=<name>}, with unsafe characters replaced. */
  public static ObjectName name(Kind kind, URI managerUri, String cacheName) {
    try {
      return new ObjectName(kind.domain + ":type=" + kind + ",CacheManager="
          + sanitize(managerUri.toString()) + ",Cache=" + sanitize(cacheName));
    } catch (JMException e) {
      throw new CacheException("Invalid MBean name for cache " + cacheName, e);
    }
  }

  private static String sanitize(String s) {
    return s == null ? "" : s.replaceAll("[,:=\n]", ".");
  }

  /** Registers {@code bean} under {@code name}, unless something already is. */
  public static void register(Object bean, ObjectName name) {
    try {
      if (!SERVER.isRegistered(name)) {
        SERVER.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException e) {
      // registered concurrently by the same cache: nothing to do
    } catch (JMException e) {
      throw new CacheException("Cannot register MBean " + name, e);
    }
  }

  /** Unregisters {@code name} if registered. */
  public static void unregister(ObjectName name) {
    try {
      if (SERVER.isRegistered(name)) {
        SERVER.unregisterMBean(name);
      }
    } catch (JMException e) {
      throw new CacheException("Cannot unregister MBean " + name, e);
    }
  }
}
