package io.jadugar.jcache.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Signals for the server processes the tests start. A signal is delivered asynchronously: after
 * {@code kill -STOP} returns, a server thread still running on another core can answer one more
 * request, so {@link #pause} and {@link #resume} return only once {@code /proc} shows the process
 * stopped or running again.
 */
public final class Signals {

  private Signals() {}

  /** Sends {@code process} the signal {@code name} ({@code USR1}, {@code TERM}...) and returns. */
  public static void send(Process process, String name) throws IOException, InterruptedException {
    if (!process.isAlive()) {
      throw new IllegalStateException("process " + process.pid() + " is not running: cannot send it SIG" + name);
    }
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Freezes {@code process} (SIGSTOP): its connections stay open, unanswered. Returns once it is stopped. */
  public static void pause(Process process) throws IOException, InterruptedException {
    send(process, "STOP");
    awaitStopped(process, true);
  }

  /** Lets a frozen {@code process} go on (SIGCONT); returns once it runs. */
  public static void resume(Process process) throws IOException, InterruptedException {
    send(process, "CONT");
    awaitStopped(process, false);
  }

  /** Waits up to 5 s until the process's state in /proc is stopped ({@code T}) or not. */
  private static void awaitStopped(Process process, boolean stopped) throws IOException, InterruptedException {
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      String s = Files.readString(stat);
      char state = s.charAt(s.lastIndexOf(')') + 2);
      if ((state == 'T' || state == 't') == stopped) {
        return;
      }
      Thread.sleep(1);
    }
    throw new IOException("process " + process.pid() + " did not " + (stopped ? "stop" : "go on") + " within 5 s");
  }
}
