package io.jadugar.jcache.writer;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;

/**
 * A CacheWriter that appends each call to one log file shared by every JVM of a test, under an
 * exclusive file lock, so the file's order is the order in which the calls happened: {@code W key
 * value jvm-thread seq} or {@code D key - jvm-thread seq}. {@link #open} names the file and this JVM.
 * A thread that names its {@link #operation operation} first gets that name and the time of the call
 * (epoch ms) appended: {@code W key value jvm-thread seq op time}.
 */
public final class LoggingWriter implements CacheWriter<String, Integer>, Serializable {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static volatile FileChannel channel;
  private static volatile String jvm;
  /** The operation the calling thread runs now, if it said so. */
  private static final ThreadLocal<String> OPERATION = new ThreadLocal<>();

  /** Appends this JVM's calls, as {@code jvmName}, to {@code log}. */
  public static synchronized void open(Path log, String jvmName) throws IOException {
    close();
    channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    jvm = jvmName;
  }

  /** Tags the calling thread's next calls with {@code id}, the operation that makes them ({@code null}: none). */
  public static void operation(String id) {
    OPERATION.set(id);
  }

  /** Stops logging. */
  public static synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
    append("W " + entry.getKey() + " " + entry.getValue());
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
    for (Iterator<Cache.Entry<? extends String, ? extends Integer>> it = entries.iterator(); it.hasNext(); ) {
      write(it.next());
      it.remove();
    }
  }

  @Override
  public void delete(Object key) {
    append("D " + key + " -");
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    for (Iterator<?> it = keys.iterator(); it.hasNext(); ) {
      delete(it.next());
      it.remove();
    }
  }

  /** One line, appended whole; the file lock orders it against the other JVMs' lines. */
  private static void append(String call) {
    String op = OPERATION.get();
    byte[] line = (call + " " + jvm + "-" + Thread.currentThread().getId() + " " + SEQUENCE.incrementAndGet()
        + (op == null ? "" : " " + op + " " + System.currentTimeMillis()) + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (LoggingWriter.class) {
      // a JVM may hold one lock on a file at a time: its threads take turns first
      try (FileLock lock = channel.lock()) {
        channel.write(ByteBuffer.wrap(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
