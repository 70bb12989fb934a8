package io.jadugar.jcache.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's quick start honest: it runs, and prints what the README shows. */
class QuickStartTest {

  @Test
  void quickStartPrintsWhatTheReadmeShows() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    QuickStart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of(
        "provider: io.jadugar.jcache.JadugarCachingProvider",
        "get(hello) = world",
        "get(token) right away = abc123",
        "get(token) after 700 ms = null",
        "get(42) = user-42 (loaded)",
        "get(42) again = user-42 (loaded)",
        "users statistics: hits=1 misses=1 hit%=50.0",
        "getEntry(otp) = 917305 {sent-by=sms}, expires within 300 ms: true",
        "get(otp) after 400 ms = null",
        "evicted from recent: 3",
        "health of recent: UP on memory {size=2, maximumSize=2}"), lines);
  }
}
