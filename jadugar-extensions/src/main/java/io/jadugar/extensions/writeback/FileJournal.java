package io.jadugar.extensions.writeback;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal in a local append-only file, for one JVM (a {@code .lock} file beside it refuses a
 * second). Its state lives in memory and every change of state is a record appended to the file, so
 * replaying the file rebuilds it.
 *
 * <p>The file: the magic {@code JWB1}, then records {@code int length, int crc32c(payload), payload};
 * a payload is {@code byte type, long version, int keyLength, key} and then, for a CHANGE,
 * {@code int valueLength (-1: a removal), value}; for a DEAD, {@code int attempts, long atMillis,
 * UTF error}. DONE (the writer took the key's change of that version), RESOLVED (a dead letter left)
 * and SEQ (the highest version so far, first in a compacted file) carry nothing more.
 *
 * <p>Durability: {@link #append} returns after {@code fsync} ({@code force}) of the file up to its
 * records. Appends made together share one {@code fsync} (group commit): the first to reach it
 * syncs everything written by then, the others find their records already synced. Other records
 * are written without waiting: losing one on a crash replays a change, never loses one. A record
 * cut short by a crash fails its length or checksum and, with everything after it, was never
 * acknowledged (its {@code fsync} did not return), so the file is cut there when opened. When the
 * file grows past its threshold it is rewritten with only what is live (waiting changes and dead
 * letters) into a temporary file, synced, and renamed over it.
 */
final class FileJournal implements Journal {

  private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
  private static final int MAGIC = 0x4a574231; // "JWB1"
  private static final byte CHANGE = 1;
  private static final byte DONE = 2;
  private static final byte DEAD = 3;
  private static final byte RESOLVED = 4;
  private static final byte SEQ = 5;
  private static final int MAX_RECORD = 256 * 1024 * 1024;

  /** A key's state in memory. */
  private static final class Slot {
    final Bytes key;
    byte[] value;
    long version;
    /** The version of the oldest change this slot stands for that the writer has not taken. */
    long since;
    long enqueuedAt;
    int attempts;
    boolean inFlight;
    long dueAt; // > 0 while delayed
    /** The first change appended while in flight: its version and time, 0 if none. */
    long newerSince;
    long newerAt;

    Slot(Bytes key) {
      this.key = key;
    }
  }

  private record Delay(long dueAt, long version, Bytes key) implements Comparable<Delay> {
    @Override
    public int compareTo(Delay o) {
      int c = Long.compare(dueAt, o.dueAt);
      return c != 0 ? c : Long.compare(version, o.version);
    }
  }

  private final Path path;
  private final Path lockPath;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final long compactAt;
  private volatile FileChannel channel;
  private long nextCompaction;

  private long seq;
  private final Map<Bytes, Slot> slots = new HashMap<>();
  private final LinkedHashSet<Bytes> waiting = new LinkedHashSet<>();
  private final TreeSet<Delay> delayed = new TreeSet<>();
  private final TreeMap<Long, Bytes> bySince = new TreeMap<>();
  private final LinkedHashMap<Bytes, DeadRecord> dead = new LinkedHashMap<>();
  private int inFlight;
  private boolean dueRetry;

  // positions are logical: they only grow, across compactions
  private long base;
  private volatile long written;
  private final Object syncLock = new Object();
  private long synced;
  private boolean closed;
  /**
   * Set by a failed write or sync: the file may now hold part of a record, which would hide every
   * later one from a replay, and after a failed fsync Linux may have dropped the pages it did not
   * write, so a retried fsync proves nothing. The journal then refuses every append (the cache's
   * writes fail, none is acknowledged and lost); reopening it replays what is whole.
   */
  private volatile IOException broken;

  private FileJournal(Path path, long compactAt) throws IOException {
    this.path = path.toAbsolutePath();
    this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    this.compactAt = compactAt;
    this.nextCompaction = compactAt;
    Files.createDirectories(this.path.getParent());
    lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null; // this JVM holds it already
    } catch (IOException e) {
      lockChannel.close();
      throw e;
    }
    if (l == null) {
      lockChannel.close();
      throw new IOException("The write-back journal " + this.path + " is in use by another process ("
          + lockPath + " is locked): give each JVM its own journal file, or use a journal on Redis");
    }
    fileLock = l;
  }

  /** Opens (or creates) the journal at {@code path}, replaying what it holds; compacts it past {@code compactAt} bytes. */
  static FileJournal open(Path path, long compactAt) throws IOException {
    FileJournal j = new FileJournal(path, compactAt);
    try {
      j.recover();
    } catch (IOException | RuntimeException e) {
      j.release();
      throw e;
    }
    return j;
  }

  private void recover() throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = ch.size();
    long end = 0;
    if (size >= 4) {
      InputStream raw = Channels.newInputStream(ch.position(0));
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      if (in.readInt() != MAGIC) {
        ch.close();
        throw new IOException(path + " is not a write-back journal (its first bytes are not JWB1)");
      }
      end = 4;
      int records = 0;
      while (true) {
        byte[] payload;
        try {
          int length = in.readInt();
          int crc = in.readInt();
          if (length < 13 || length > MAX_RECORD || end + 8 + length > size) {
            break;
          }
          payload = new byte[length];
          in.readFully(payload);
          if (crc32(payload) != crc) {
            break;
          }
        } catch (EOFException e) {
          break;
        }
        replayRecord(ByteBuffer.wrap(payload));
        end += 8 + payload.length;
        records++;
      }
      if (end < size) {
        LOG.warn("Write-back journal {}: cut {} bytes after its last whole record (a write cut short by a crash; "
            + "never acknowledged)", path, size - end);
      }
      LOG.info("Write-back journal {}: {} records replayed, {} keys waiting, {} dead letters", path, records,
          slots.size(), dead.size());
    }
    // versions go on from the wall clock (ms x 1000) if it is ahead: a journal lost or replaced never
    // hands out again a version that a writer may have stored, and then ignore newer changes as older
    seq = Math.max(seq, System.currentTimeMillis() * 1000);
    ch.truncate(end);
    if (end == 0) {
      ch.write(ByteBuffer.allocate(4).putInt(0, MAGIC), 0);
      end = 4;
    }
    ch.force(true);
    ch.position(end);
    channel = ch;
    written = end;
    synced = end;
  }

  private void replayRecord(ByteBuffer b) {
    byte type = b.get();
    long version = b.getLong();
    byte[] key = new byte[b.getInt()];
    b.get(key);
    Bytes k = new Bytes(key);
    seq = Math.max(seq, version);
    switch (type) {
      case CHANGE -> {
        int n = b.getInt();
        byte[] value = null;
        if (n >= 0) {
          value = new byte[n];
          b.get(value);
        }
        Slot s = slots.get(k);
        if (s == null) {
          s = newSlot(k, version, System.currentTimeMillis());
        }
        s.value = value;
        s.version = version;
      }
      case DONE -> {
        Slot s = slots.get(k);
        if (s != null && s.version == version) {
          removeSlot(s);
        }
        DeadRecord d = dead.get(k);
        if (d != null && d.version() < version) {
          dead.remove(k);
        }
      }
      case DEAD -> {
        Slot s = slots.get(k);
        int attempts = b.getInt();
        long at = b.getLong();
        byte[] error = new byte[b.getInt()];
        b.get(error);
        if (s != null && s.version == version) {
          dead.remove(k);
          dead.put(k, new DeadRecord(key, s.value, version, attempts, new String(error, StandardCharsets.UTF_8), at));
          removeSlot(s);
        }
      }
      case RESOLVED -> {
        DeadRecord d = dead.get(k);
        if (d != null && d.version() == version) {
          dead.remove(k);
        }
      }
      case SEQ -> { }
      default -> throw new IllegalStateException("Write-back journal " + path + ": unknown record type " + type);
    }
  }

  private Slot newSlot(Bytes k, long version, long now) {
    Slot s = new Slot(k);
    s.version = version;
    s.since = version;
    s.enqueuedAt = now;
    slots.put(k, s);
    bySince.put(version, k);
    waiting.add(k);
    return s;
  }

  private void removeSlot(Slot s) {
    slots.remove(s.key);
    bySince.remove(s.since);
    waiting.remove(s.key);
  }

  // ---------------------------------------------------------------- records

  private static int crc32(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    return (int) c.getValue();
  }

  private static byte[] payload(byte type, long version, byte[] key, int extra) {
    return ByteBuffer.allocate(13 + key.length + extra).put(type).putLong(version).putInt(key.length).put(key).array();
  }

  private static byte[] change(long version, byte[] key, byte[] value) {
    byte[] p = payload(CHANGE, version, key, 4 + (value == null ? 0 : value.length));
    ByteBuffer b = ByteBuffer.wrap(p).position(13 + key.length);
    b.putInt(value == null ? -1 : value.length);
    if (value != null) {
      b.put(value);
    }
    return p;
  }

  private static byte[] deadRecord(long version, byte[] key, int attempts, long at, String error) {
    byte[] e = error.getBytes(StandardCharsets.UTF_8);
    byte[] p = payload(DEAD, version, key, 16 + e.length);
    ByteBuffer.wrap(p).position(13 + key.length).putInt(attempts).putLong(at).putInt(e.length).put(e);
    return p;
  }

  /** Writes records (under this object's lock) and returns the logical end they reach. */
  private long write(List<byte[]> payloads) {
    int total = 0;
    for (byte[] p : payloads) {
      total += 8 + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(total);
    for (byte[] p : payloads) {
      b.putInt(p.length).putInt(crc32(p)).put(p);
    }
    b.flip();
    if (broken != null) {
      throw brokenError();
    }
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      broken = e;
      throw new UncheckedIOException("Writing the write-back journal " + path + " failed: " + e.getMessage(), e);
    }
    written += total;
    return written;
  }

  private long write(byte[] payload) {
    return write(List.of(payload));
  }

  /** Returns once the file is synced up to logical position {@code to}: one fsync serves every append waiting for it. */
  private void sync(long to) {
    synchronized (syncLock) {
      if (synced >= to) {
        return;
      }
      if (broken != null) {
        throw brokenError();
      }
      long target = written;
      try {
        channel.force(false);
      } catch (IOException e) {
        broken = e;
        throw new UncheckedIOException("Syncing the write-back journal " + path + " failed: " + e.getMessage(), e);
      }
      synced = target;
    }
  }

  // ---------------------------------------------------------------- the journal

  @Override
  public long append(List<byte[]> keys, List<byte[]> values) {
    long[] versions = new long[keys.size()];
    long end;
    long nowWaiting;
    synchronized (this) {
      requireOpen();
      List<byte[]> payloads = new ArrayList<>(keys.size());
      for (int i = 0; i < versions.length; i++) {
        versions[i] = seq + 1 + i;
        payloads.add(change(versions[i], keys.get(i), values.get(i)));
      }
      end = write(payloads); // before the state changes: a failed write leaves the state as it was
      long now = System.currentTimeMillis();
      for (int i = 0; i < versions.length; i++) {
        seq = versions[i];
        enqueue(new Bytes(keys.get(i)), values.get(i), versions[i], now);
      }
      nowWaiting = waiting.size();
    }
    sync(end);
    return nowWaiting;
  }

  private void enqueue(Bytes k, byte[] value, long version, long now) {
    Slot s = slots.get(k);
    if (s == null) {
      s = newSlot(k, version, now);
    } else if (s.inFlight && s.newerSince == 0) {
      s.newerSince = version;
      s.newerAt = now;
    }
    s.value = value;
    s.version = version;
  }

  @Override
  public synchronized List<Change> claim(int max, long nowMillis, long maxDelayMillis, boolean force) {
    while (!delayed.isEmpty() && delayed.first().dueAt <= nowMillis) {
      Delay d = delayed.pollFirst();
      Slot s = slots.get(d.key);
      if (s != null && s.dueAt == d.dueAt && !s.inFlight) {
        s.dueAt = 0;
        waiting.add(d.key);
        dueRetry = true;
      }
    }
    if (waiting.isEmpty()) {
      return List.of();
    }
    Slot first = slots.get(waiting.iterator().next());
    if (!force && !dueRetry && waiting.size() < max && nowMillis - first.enqueuedAt < maxDelayMillis) {
      return List.of();
    }
    dueRetry = false;
    List<Change> batch = new ArrayList<>(Math.min(max, waiting.size()));
    Iterator<Bytes> it = waiting.iterator();
    while (it.hasNext() && batch.size() < max) {
      Slot s = slots.get(it.next());
      it.remove();
      s.inFlight = true;
      inFlight++;
      batch.add(new Change(s.key.bytes(), s.value, s.version, s.attempts));
    }
    return batch;
  }

  /** The slot of {@code change}, no longer in flight; null if the journal does not know it (closed and reopened). */
  private Slot settle(Change change) {
    Slot s = slots.get(new Bytes(change.key()));
    if (s == null || !s.inFlight) {
      return null;
    }
    s.inFlight = false;
    inFlight--;
    return s;
  }

  /** Moves a slot whose in-flight change was replaced on to the newer change. */
  private void onToNewer(Slot s) {
    bySince.remove(s.since);
    s.since = s.newerSince;
    s.enqueuedAt = s.newerAt;
    s.newerSince = 0;
    s.newerAt = 0;
    s.attempts = 0;
    bySince.put(s.since, s.key);
  }

  @Override
  public synchronized void done(List<Change> changes) {
    for (Change c : changes) {
      done(c);
    }
  }

  private void done(Change change) {
    Slot s = settle(change);
    if (s == null || closed) {
      return;
    }
    write(payload(DONE, change.version(), change.key(), 0));
    DeadRecord d = dead.get(s.key);
    if (d != null && d.version() < change.version()) {
      dead.remove(s.key); // the DONE record says so too, for a replay of the file
    }
    if (s.version == change.version()) {
      removeSlot(s);
    } else {
      onToNewer(s);
      waiting.add(s.key);
    }
    if (written - base > nextCompaction) {
      compact();
    }
  }

  @Override
  public synchronized void retry(Change change, int attempts, long dueMillis) {
    Slot s = settle(change);
    if (s == null || closed) {
      return;
    }
    if (s.version == change.version()) {
      s.attempts = attempts;
    } else {
      onToNewer(s);
    }
    s.dueAt = dueMillis;
    delayed.add(new Delay(dueMillis, s.version, s.key));
  }

  @Override
  public synchronized void dead(Change change, int attempts, String error) {
    Slot s = settle(change);
    if (s == null || closed) {
      return;
    }
    if (s.version != change.version()) {
      onToNewer(s); // the newer change replaces the failed one: it is what the key holds now
      waiting.add(s.key);
      return;
    }
    long at = System.currentTimeMillis();
    long end = write(deadRecord(change.version(), change.key(), attempts, at, error));
    dead.remove(s.key);
    dead.put(s.key, new DeadRecord(change.key(), change.value(), change.version(), attempts, error, at));
    removeSlot(s);
    syncQuietly(end);
  }

  private void syncQuietly(long end) {
    try {
      sync(end);
    } catch (UncheckedIOException e) {
      LOG.warn("{}", e.getMessage()); // the record is written: the next sync takes it
    }
  }

  @Override
  public synchronized long nextDueMillis(long maxDelayMillis) {
    long next = Long.MAX_VALUE;
    if (!delayed.isEmpty()) {
      next = delayed.first().dueAt;
    }
    if (!waiting.isEmpty()) {
      next = Math.min(next, dueRetry ? 0 : slots.get(waiting.iterator().next()).enqueuedAt + maxDelayMillis);
    }
    return next;
  }

  @Override
  public synchronized long mark() {
    return seq;
  }

  @Override
  public synchronized boolean settledUpTo(long mark) {
    return bySince.isEmpty() || bySince.firstKey() > mark;
  }

  @Override
  public synchronized JournalCounts counts() {
    long oldest = bySince.isEmpty() ? 0 : slots.get(bySince.firstEntry().getValue()).enqueuedAt;
    return new JournalCounts(slots.size(), inFlight, oldest, dead.size());
  }

  @Override
  public synchronized List<DeadRecord> deadLetters() {
    return List.copyOf(dead.values());
  }

  @Override
  public boolean replay(byte[] key, long version) {
    long end;
    synchronized (this) {
      Bytes k = new Bytes(key);
      DeadRecord d = deadLetter(k, version);
      if (d == null) {
        return false;
      }
      if (slots.containsKey(k)) {
        end = write(payload(RESOLVED, version, key, 0));
        dead.remove(k);
      } else {
        long v = seq + 1;
        end = write(List.of(payload(RESOLVED, version, key, 0), change(v, key, d.value())));
        seq = v;
        dead.remove(k);
        enqueue(k, d.value(), v, System.currentTimeMillis());
      }
    }
    sync(end);
    return true;
  }

  @Override
  public boolean discard(byte[] key, long version) {
    long end;
    synchronized (this) {
      Bytes k = new Bytes(key);
      if (deadLetter(k, version) == null) {
        return false;
      }
      end = write(payload(RESOLVED, version, key, 0));
      dead.remove(k);
    }
    sync(end);
    return true;
  }

  /** The dead letter of {@code k} if it is still the one of {@code version}, else {@code null}; under this journal's lock. */
  private DeadRecord deadLetter(Bytes k, long version) {
    requireOpen();
    DeadRecord d = dead.get(k);
    return d == null || d.version() != version ? null : d;
  }

  /** Rewrites the file with what is live: the dead letters, then the keys' latest changes. */
  private void compact() {
    Path tmp = path.resolveSibling(path.getFileName() + ".compacting");
    synchronized (syncLock) {
      long size;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(payload(SEQ, seq, new byte[0], 0));
        for (DeadRecord d : dead.values()) {
          payloads.add(change(d.version(), d.key(), d.value()));
          payloads.add(deadRecord(d.version(), d.key(), d.attempts(), d.atMillis(), d.error()));
        }
        for (Slot s : slots.values()) {
          payloads.add(change(s.version, s.key.bytes(), s.value));
        }
        ByteBuffer head = ByteBuffer.allocate(4).putInt(0, MAGIC);
        out.write(head);
        for (byte[] p : payloads) {
          ByteBuffer b = ByteBuffer.allocate(8 + p.length).putInt(p.length).putInt(crc32(p)).put(p).flip();
          while (b.hasRemaining()) {
            out.write(b);
          }
        }
        out.force(true);
        size = out.size();
      } catch (IOException e) {
        LOG.warn("Compacting the write-back journal {} failed; it keeps growing: {}", path, e.toString());
        nextCompaction = 2 * (written - base);
        return;
      }
      try {
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
        FileChannel old = channel;
        channel = FileChannel.open(path, StandardOpenOption.WRITE).position(size);
        old.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Compacting the write-back journal " + path + " failed after writing "
            + tmp + ": " + e.getMessage(), e);
      }
      long before = written - base;
      base = written; // logical positions keep growing; everything live is in the new file, synced
      written = base + size;
      synced = written;
      nextCompaction = Math.max(compactAt, 4 * size);
      LOG.debug("Write-back journal {} compacted from {} to {} bytes", path, before, size);
    }
  }

  private void syncDirectory() {
    try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      LOG.debug("Could not sync directory {} (not supported here): {}", path.getParent(), e.toString());
    }
  }

  private UncheckedIOException brokenError() {
    return new UncheckedIOException("The write-back journal " + path + " failed earlier and takes no more changes "
        + "(close and reopen it to replay what it holds): " + broken.getMessage(), broken);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("The write-back journal " + path + " is closed");
    }
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    synchronized (syncLock) {
      channel.force(true);
      channel.close();
    }
    release();
  }

  private void release() throws IOException {
    fileLock.release();
    lockChannel.close();
  }
}
