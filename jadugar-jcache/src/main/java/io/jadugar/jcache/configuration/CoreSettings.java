package io.jadugar.jcache.configuration;

import java.time.Duration;
import java.util.List;

/** The keys every cache manager understands, whatever its store. */
public final class CoreSettings {

  /** The store of caches that do not choose one: {@code memory} unless configured otherwise. */
  public static final Setting<String> STORE = Setting.text("jadugar.store", "memory");

  /** A namespace put before every key in a shared store, so applications do not collide. */
  public static final Setting<String> PREFIX = Setting.text("jadugar.prefix", "");

  /**
   * Time to live of entries in caches that keep the default (eternal) expiry policy; unset means
   * entries live until removed or evicted.
   */
  public static final Setting<Duration> DEFAULT_TTL = Setting.duration("jadugar.default-ttl");

  /** All of them. */
  public static final List<Setting<?>> ALL = List.of(STORE, PREFIX, DEFAULT_TTL);

  private CoreSettings() {}
}
