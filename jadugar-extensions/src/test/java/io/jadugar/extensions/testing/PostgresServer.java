package io.jadugar.extensions.testing;

import io.jadugar.jcache.testing.Ports;
import io.jadugar.jcache.store.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL (Debian's {@code postgresql} package) on a free 127.0.0.1 port, for tests: a new
 * cluster made by {@code initdb} in a temporary directory, trust authentication on loopback, no fsync,
 * its Unix socket in that directory. PostgreSQL refuses to run as root, so when the tests run as
 * root (CI, containers) both run as {@code nobody} through {@code setpriv}, which ships with every
 * Debian (util-linux) and, unlike {@code su}/{@code runuser}, execs the server instead of forking it,
 * so the process we hold is the postmaster itself. {@link #close()} shuts it down fast and deletes
 * the directory.
 */
public final class PostgresServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final boolean root;
  private Process process;

  private PostgresServer(Path dir, int port, boolean root) {
    this.dir = dir;
    this.port = port;
    this.root = root;
  }

  /** Makes a cluster, starts it and waits until it accepts connections to database {@code postgres}. */
  public static PostgresServer launch() throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = isRoot();
    // nobody must reach it: under /tmp, whatever java.io.tmpdir says
    Path dir = root ? Files.createTempDirectory(Path.of("/tmp"), "jadugar-pg-") : Files.createTempDirectory("jadugar-pg-");
    if (root) {
      run(List.of("chown", "nobody:", dir.toString()), dir);
    }
    Path data = dir.resolve("data");
    run(asUser(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
        "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8")), dir);
    PostgresServer s = new PostgresServer(dir, Ports.free(), root);
    s.start();
    return s;
  }

  /** Starts the postmaster (again) on the cluster's directory and port, and waits until it accepts connections. */
  public synchronized void start() throws IOException, InterruptedException {
    Path data = dir.resolve("data");
    Process p = new ProcessBuilder(asUser(root, List.of(binaries().resolve("postgres").toString(), "-D",
        data.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-k", dir.toString(),
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")))
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile())).start();
    process = p;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection c = DriverManager.getConnection(url(), "postgres", "")) {
        return;
      } catch (SQLException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          String log = Files.readString(dir.resolve("postgres.log"));
          close();
          throw new IOException("PostgreSQL on 127.0.0.1:" + port + " did not start: " + log, e);
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * Kills the postmaster and its backends with {@code SIGKILL}, as a crash would: the next start
   * recovers the cluster from its write-ahead log.
   */
  public synchronized void kill() throws IOException, InterruptedException {
    signalAll("KILL");
    process.waitFor(10, TimeUnit.SECONDS);
    // a backend may outlive its postmaster for a moment; the shared memory it holds blocks a restart
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!children().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /** Stops the postmaster and its backends ({@code SIGSTOP}): connections are accepted by the kernel, nothing answers. */
  public void pause() throws IOException, InterruptedException {
    signalAll("STOP");
  }

  /** Resumes what {@link #pause} stopped. */
  public void resume() throws IOException, InterruptedException {
    signalAll("CONT");
  }

  private List<Long> children() {
    return process.descendants().map(ProcessHandle::pid).toList();
  }

  private void signalAll(String signal) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(process.pid())));
    children().forEach(pid -> cmd.add(String.valueOf(pid)));
    new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor();
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} that has {@code initdb} and {@code postgres}. */
  static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path bin = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
            .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString()))).orElse(null);
        if (bin != null) {
          return bin;
        }
      }
    }
    throw new IOException("No PostgreSQL server in /usr/lib/postgresql/*/bin: apt-get install -y postgresql "
        + "(scripts/test-all.sh does)");
  }

  private static int version(String name) {
    try {
      return Integer.parseInt(name.replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("id", "-u").start();
    String uid = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    return uid.equals("0");
  }

  private static List<String> asUser(boolean root, List<String> cmd) {
    if (!root) {
      return cmd;
    }
    List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    all.addAll(cmd);
    return all;
  }

  private static void run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve("command.log");
    // run in dir: nobody may not be allowed into the build's working directory
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(log));
    }
  }

  /** The JDBC URL of database {@code postgres}. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** A data source of database {@code postgres} as user {@code postgres}. */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url());
    ds.setUser("postgres");
    return ds;
  }

  /** Runs {@code sql} (DDL or DML) on database {@code postgres}. */
  public void execute(String sql) throws SQLException {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() {
    try {
      if (process != null && process.isAlive()) {
        signalAll("CONT"); // a paused server would not hear the shutdown
        // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not remove " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
