package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.testing.Ports;
import io.jadugar.jcache.testing.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, for tests: started with {@code --bind
 * 127.0.0.1}, a pid file and no persistence unless {@code extra} asks for it; {@link #stop()}
 * terminates it, {@link #kill()} kills it with SIGKILL, {@link #start()} brings it back on the same
 * port and directory.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private final List<String> extra;
  private final List<String> cliAuth = new ArrayList<>();
  private Process process;

  private RedisServer(int port, List<String> extra) throws IOException {
    this.port = port;
    this.extra = extra;
    this.dir = Files.createTempDirectory("jadugar-redis-" + port + "-");
  }

  /** Starts a server with {@code extra} arguments after the defaults. */
  public static RedisServer launch(String... extra) throws IOException {
    RedisServer s = new RedisServer(Ports.free(), Arrays.asList(extra));
    s.start();
    return s;
  }

  /**
   * Starts a server whose arguments depend on its port ({@code --tls-port}), talking to it through
   * redis-cli with {@code cli} arguments ({@code --tls --cacert ...}, {@code --user ... --pass ...}).
   */
  public static RedisServer launch(java.util.function.IntFunction<List<String>> extra, List<String> cli)
      throws IOException {
    int port = Ports.free();
    RedisServer s = new RedisServer(port, extra.apply(port));
    s.cliAuth.addAll(cli);
    s.start();
    return s;
  }

  /** Arguments for redis-cli to authenticate, such as {@code -a secret}. */
  public RedisServer cliAuth(String... args) {
    cliAuth.clear();
    cliAuth.addAll(Arrays.asList(args));
    return this;
  }


  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  /** {@code redis://127.0.0.1:port}. */
  public String address() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts (again) on the same port and waits until it answers. */
  public synchronized void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--pidfile", dir.resolve("redis.pid").toString(), "--dir", dir.toString(),
        "--save", "", "--appendonly", "no", "--daemonize", "no"));
    cmd.addAll(extra);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server on port " + port + " exited: " + Files.readString(dir.resolve("redis.log")));
      }
      if (answers()) {
        return;
      }
      sleep(50);
    }
    throw new IOException("redis-server on port " + port + " did not answer PING");
  }

  /** Whether it answers PING (or asks for a password, which also proves it is up). */
  private boolean answers() {
    try {
      String out = cli("PING");
      return out.contains("PONG") || out.contains("NOAUTH") || out.contains("WRONGPASS");
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs redis-cli against this server and returns what it prints. */
  public String cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(cliAuth);
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** How often the server has run {@code command} ({@code INFO commandstats}). */
  public long calls(String command) throws IOException {
    for (String line : cli("INFO", "commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command.toLowerCase() + ":calls=")) {
        String rest = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(rest.substring(0, rest.indexOf(',')));
      }
    }
    return 0;
  }

  /** Freezes the server (SIGSTOP); returns once it is stopped. */
  public void pause() throws IOException, InterruptedException {
    Signals.pause(process);
  }

  /** Lets a frozen server go on (SIGCONT); returns once it runs. */
  public void resume() throws IOException, InterruptedException {
    Signals.resume(process);
  }

  /** Kills the server and waits until it is gone. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /**
   * Kills the server with SIGKILL, as a crash would ({@link #stop()} sends SIGTERM, on which Redis
   * shuts down cleanly: it flushes its append-only file and, with {@code save} points, saves), and
   * waits until it is gone. Its directory stays, so {@link #start()} reloads what it persisted.
   */
  public synchronized void kill() throws IOException {
    if (process == null) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    process.destroyForcibly(); // SIGKILL on Linux
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IOException("redis-server on port " + port + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    process = null;
  }

  /** Whether the process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Three masters (no replicas) forming a Redis Cluster on loopback, for tests. */
  public static final class Cluster implements AutoCloseable {
    private final List<RedisServer> nodes = new ArrayList<>();

    /** Starts three nodes and joins them with {@code redis-cli --cluster create}. */
    public static Cluster launch() throws IOException {
      Cluster c = new Cluster();
      try {
        for (int i = 0; i < 3; i++) {
          int port = Ports.free();
          // the bus port is named too: by default it is port + 10000, which may be taken (or ephemeral)
          c.nodes.add(RedisServer.start0(port, List.of("--cluster-enabled", "yes",
              "--cluster-port", String.valueOf(Ports.free()),
              "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000")));
        }
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (RedisServer n : c.nodes) {
          create.add("127.0.0.1:" + n.port());
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = c.nodes.get(0).cli(create.toArray(new String[0]));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
          boolean ok = true;
          for (RedisServer n : c.nodes) {
            ok &= n.cli("CLUSTER", "INFO").contains("cluster_state:ok");
          }
          if (ok) {
            return c;
          }
          if (System.nanoTime() > deadline) {
            throw new IOException("Redis Cluster did not form: " + out);
          }
          sleep(100);
        }
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
    }

    public List<RedisServer> nodes() {
      return nodes;
    }

    /** The nodes' addresses, comma-separated, as {@code jadugar.redis.cluster.nodes} takes them. */
    public String addresses() {
      List<String> a = new ArrayList<>();
      for (RedisServer n : nodes) {
        a.add(n.address());
      }
      return String.join(",", a);
    }

    @Override
    public void close() {
      nodes.forEach(RedisServer::stop);
    }
  }

  private static RedisServer start0(int port, List<String> extra) throws IOException {
    RedisServer s = new RedisServer(port, extra);
    s.start();
    return s;
  }
}
