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
  private final Process process;

  private PostgresServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
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
    int port = Ports.free();
    Process p = new ProcessBuilder(asUser(root, List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
        "-h", "127.0.0.1", "-p", String.valueOf(port), "-k", dir.toString(),
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")))
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
    PostgresServer s = new PostgresServer(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection c = DriverManager.getConnection(s.url(), "postgres", "")) {
        return s;
      } catch (SQLException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          String log = Files.readString(dir.resolve("postgres.log"));
          s.close();
          throw new IOException("PostgreSQL on 127.0.0.1:" + port + " did not start: " + log, e);
        }
        Thread.sleep(100);
      }
    }
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
      if (process.isAlive()) {
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
