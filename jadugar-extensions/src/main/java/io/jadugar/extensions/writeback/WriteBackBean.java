package io.jadugar.extensions.writeback;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link WriteBackMXBean} of one write-back, registered while it is open. */
final class WriteBackBean implements WriteBackMXBean {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBackBean.class);
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private final WriteBack<?, ?> writeBack;
  private ObjectName registered;

  WriteBackBean(WriteBack<?, ?> writeBack) {
    this.writeBack = writeBack;
  }

  /** Registers the bean; a name already taken (two write-backs of one name) is logged, not fatal. */
  void register() {
    try {
      ObjectName name = new ObjectName("io.jadugar:type=WriteBack,name=" + ObjectName.quote(writeBack.name()));
      SERVER.registerMBean(this, name);
      registered = name;
    } catch (JMException e) {
      LOG.warn("Write-back '{}' not registered over JMX: {} (give each write-back its own name)", writeBack.name(),
          e.toString());
    }
  }

  void unregister() {
    if (registered != null) {
      try {
        SERVER.unregisterMBean(registered);
      } catch (JMException e) {
        LOG.debug("Unregistering {} failed: {}", registered, e.toString());
      }
      registered = null;
    }
  }

  @Override
  public long getPending() {
    return writeBack.stats().pending();
  }

  @Override
  public long getInFlight() {
    return writeBack.stats().inFlight();
  }

  @Override
  public long getOldestPendingAgeMillis() {
    return writeBack.stats().oldestPendingAge().toMillis();
  }

  @Override
  public long getRetries() {
    return writeBack.stats().retries();
  }

  @Override
  public long getDeadLettered() {
    return writeBack.stats().deadLettered();
  }

  @Override
  public long getDeadLetters() {
    return writeBack.stats().deadLetters();
  }

  @Override
  public long getWriteAllCalls() {
    return writeBack.stats().writeAllCalls();
  }

  @Override
  public double getEntriesPerWriteAll() {
    return writeBack.stats().entriesPerWriteAll();
  }
}
