package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.writeback.RecordingWriter.Seen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-back contract on a local file journal, and what only a file has: a record cut short by a
 * crash, compaction, and one process per file.
 */
class FileJournalTest extends WriteBackContract {

  @TempDir
  Path dir;

  @Override
  WriteBackJournal journal() {
    return WriteBackJournal.file(dir.resolve("journal"));
  }

  @Test
  void aRecordCutShortByACrashIsDroppedAndTheRestReplayed() throws IOException {
    writer.refuse = k -> true;
    WriteBack<String, String> first = builder().maxAttempts(1000).closeTimeout(Duration.ofMillis(300)).build();
    first.write(new WriteBackEntry<>("a", "1", 0));
    first.write(new WriteBackEntry<>("b", "2", 0));
    first.close();
    assertEquals(List.of(), writer.seen);
    writer.refuse = k -> false;
    Files.write(dir.resolve("journal"), new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
    WriteBack<String, String> second = builder().build();
    second.flush();
    assertEquals(List.of("a=1", "b=2"), writer.seen.stream().map(s -> s.key() + "=" + s.value()).sorted().toList());
    second.close();
  }

  @Test
  void aCompactedJournalKeepsOnlyWhatIsLive() throws IOException {
    WriteBack<String, String> wb = builder().maxDelay(Duration.ofHours(1)).maxAttempts(1).compactAfter(4096)
        .closeTimeout(Duration.ZERO).build();
    writer.refuse = k -> k.equals("dead");
    wb.write(new WriteBackEntry<>("dead", "x", 0));
    for (int i = 0; i < 2000; i++) {
      wb.write(new WriteBackEntry<>("k" + (i % 10), "v" + i, 0));
    }
    wb.flush();
    wb.write(new WriteBackEntry<>("waiting", "w", 0)); // waits for its batch (an hour)
    long size = Files.size(dir.resolve("journal"));
    assertTrue(size < 64 * 1024, "compacted: " + size + " bytes after 2001 changes");
    wb.close();
    writer.seen.clear();
    WriteBack<String, String> again = builder().build();
    again.flush();
    assertEquals(List.of("waiting=w"), writer.seen.stream().map(x -> x.key() + "=" + x.value()).toList(),
        "only the change that was still waiting");
    assertEquals("dead", again.deadLetters().get(0).key(), "the dead letter survived compaction and the restart");
    again.close();
  }

  @Test
  void aSecondWriteBackOnTheSameFileIsRefusedByName() {
    WriteBack<String, String> wb = builder().build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder().build());
    assertTrue(e.getMessage().contains("in use by another process") && e.getMessage().contains("journal"), e.getMessage());
    wb.close();
    assertThrows(CacheWriterException.class, () -> wb.write(new WriteBackEntry<>("a", "b", 0)),
        "a closed write-back accepts nothing");
    builder().build().close();
  }
}
