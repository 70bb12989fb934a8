package io.jadugar.jcache.store;

import java.util.concurrent.ThreadFactory;

/** Threads of the stores' own background work: named for a thread dump, and never keeping a JVM alive. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** A factory of daemon threads called {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
