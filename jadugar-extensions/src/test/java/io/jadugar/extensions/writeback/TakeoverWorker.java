package io.jadugar.extensions.writeback;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The JVM {@link RedisJournalTest} kills: a write-back on a Redis journal whose writer holds every
 * batch for good, so its first batch stays in flight. It writes {@code count} changes to
 * {@code keys} keys, printing {@code R key value} once each returned, then {@code done}, and waits to
 * be killed. Arguments: the Redis address, the journal's name, the lease in ms, count, keys.
 */
public final class TakeoverWorker {

  private TakeoverWorker() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Config config = new Config();
    config.useSingleServer().setAddress(args[0]);
    RedissonClient redisson = Redisson.create(config);
    RecordingWriter held = new RecordingWriter();
    held.gate = new java.util.concurrent.Semaphore(0);
    WriteBack<String, String> wb = WriteBack.builder(held, String.class, String.class).name("takeover")
        .journal(RedisJournal.on(redisson, args[1], Duration.ofMillis(Long.parseLong(args[2]))))
        .batchSize(50).maxDelay(Duration.ofHours(1)).batchesInFlight(1).build();
    int count = Integer.parseInt(args[3]);
    int keys = Integer.parseInt(args[4]);
    for (int i = 0; i < count; i++) {
      String key = "k" + (i % keys);
      wb.write(new WriteBackEntry<>(key, "v" + i, 0));
      out.println("R " + key + " v" + i);
    }
    out.println("done");
    new CountDownLatch(1).await();
  }
}
