package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.testing.Ports;
import io.jadugar.jcache.testing.Signals;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real memcached process on a free loopback port, for tests: started with {@code -u root}
 * (memcached refuses root otherwise), ready once it answers {@code version}, stopped by
 * {@link #stop()} or at JVM exit.
 */
public final class MemcachedServer implements AutoCloseable {

  private final int port;
  private final List<String> extraArgs;
  private final Path pidFile;
  private Process process;

  private MemcachedServer(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    this.extraArgs = extraArgs;
    this.pidFile = Files.createTempFile("memcached-" + port + "-", ".pid");
  }

  /** Starts a server on a free port with {@code extraArgs} (such as {@code -I 1m}). */
  public static MemcachedServer launch(String... extraArgs) throws IOException {
    MemcachedServer s = new MemcachedServer(Ports.free(), List.of(extraArgs));
    s.start();
    return s;
  }

  /** Starts (again) on the same port. */
  public synchronized void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary(), "-l", "127.0.0.1", "-p", String.valueOf(port),
        "-U", "0", "-u", "root", "-m", "64", "-P", pidFile.toString()));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Process p = process;
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("memcached on port " + port + " exited with " + p.exitValue() + ": " + cmd);
      }
      try {
        if (send("version").startsWith("VERSION")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      sleep(20);
    }
    throw new IOException("memcached on port " + port + " did not answer 'version' within 10s");
  }

  /** Kills the process and waits until it is gone. */
  public synchronized void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /**
   * Stops the process as memcached's restartable cache wants (SIGUSR1: it saves its memory file and
   * exits), so that a server launched with {@code -e <file>} returns with its contents.
   */
  public synchronized void stopKeepingContents() throws IOException, InterruptedException {
    Signals.send(running(), "USR1");
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IOException("memcached on port " + port + " did not exit on SIGUSR1");
    }
    process = null;
  }

  /**
   * Restarts warm: {@link #stopKeepingContents()}, then {@link #start()} once the wall clock is in a
   * later second than the stop. memcached 1.6 (1.6.18 here) refuses its memory file when it starts
   * in the same second as it stopped (its metadata check takes a zero {@code stop_time} delta for a
   * clock gone wrong: "restart incompatible due to setting for [stop_time]") and starts empty.
   */
  public void restartKeepingContents() throws IOException, InterruptedException {
    stopKeepingContents();
    long stopped = System.currentTimeMillis() / 1000;
    while (System.currentTimeMillis() / 1000 <= stopped) {
      Thread.sleep(20);
    }
    start();
  }

  /** Freezes the process (SIGSTOP): its connections stay open and its contents stay, unanswered; returns once it is stopped. */
  public synchronized void pause() throws IOException, InterruptedException {
    Signals.pause(running());
  }

  /** Lets a frozen process go on (SIGCONT), with the contents it had; returns once it runs. */
  public synchronized void resume() throws IOException, InterruptedException {
    Signals.resume(running());
  }

  private Process running() {
    if (process == null) {
      throw new IllegalStateException("memcached on port " + port + " is not running");
    }
    return process;
  }

  /** Whether the process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // a temp file
    }
  }

  public int port() {
    return port;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** {@code 127.0.0.1:port}. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** Sends one text command and returns the reply up to its last line (END, a VERSION line, ...). */
  public String send(String command) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address(), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder reply = new StringBuilder();
      byte[] buf = new byte[8192];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return reply.toString();
        }
        reply.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        String r = reply.toString();
        if (r.endsWith("END\r\n") || r.startsWith("VERSION") && r.endsWith("\r\n")
            || r.endsWith("STORED\r\n") || r.endsWith("ERROR\r\n") || r.endsWith("DELETED\r\n")
            || r.endsWith("NOT_FOUND\r\n") || r.endsWith("OK\r\n")) {
          return r;
        }
      }
    }
  }

  /** One value of {@code stats}, such as {@code cmd_get}. */
  public long stat(String name) throws IOException {
    for (String line : send("stats").split("\r\n")) {
      if (line.startsWith("STAT " + name + " ")) {
        return Long.parseLong(line.substring(("STAT " + name + " ").length()).trim());
      }
    }
    throw new IOException("no stat " + name);
  }

  /** Stores raw {@code bytes} under {@code key}, bypassing Jadugar. */
  public void setRaw(String key, byte[] bytes) throws IOException {
    setRaw(key, 0, bytes);
  }

  /** Stores raw {@code bytes} with memcached {@code flags} under {@code key}, as another client would. */
  public void setRaw(String key, int flags, byte[] bytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address(), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("set " + key + " " + flags + " 0 " + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[64];
      int n = s.getInputStream().read(buf);
      String r = new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
      if (!r.startsWith("STORED")) {
        throw new IOException("set " + key + ": " + r);
      }
    }
  }

  private static String binary() {
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      File f = new File(dir, "memcached");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return "memcached";
  }


  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
