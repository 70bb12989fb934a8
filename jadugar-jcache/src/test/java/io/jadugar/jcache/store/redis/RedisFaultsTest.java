package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Faults with real servers: nothing listening, a server stopped and restarted under a running
 * cache, a frozen server, TLS with a certificate the test makes, a password and an ACL user, Sentinel.
 */
class RedisFaultsTest {

  private static Cache<String, String> cache(JadugarCachingProvider provider, String uri, Properties p) {
    CacheManager m = provider.getCacheManager(URI.create(uri), RedisFaultsTest.class.getClassLoader(), p);
    return m.createCache("faults", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  @Test
  void aServerThatIsNotThereIsNamedWithTheCause() throws Exception {
    int port = Ports.free();
    JadugarCachingProvider provider = new JadugarCachingProvider();
    try {
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create("redis://127.0.0.1:" + port), getClass().getClassLoader()));
      System.out.println("nothing listening: " + e.getMessage());
      assertTrue(e.getMessage().startsWith("redis at 127.0.0.1:" + port + " refused the connection"), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "fails fast");
    } finally {
      provider.close();
    }
  }

  @Test
  void aRestartedServerServesTheSameCacheAgain() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.timeout", "1s");
        p.setProperty("jadugar.redis.connect-timeout", "1s");
        Cache<String, String> cache = cache(provider, server.address(), p);
        cache.put("k", "v");
        assertEquals("v", cache.get("k"));

        server.stop();
        long start = System.nanoTime();
        CacheException down = assertThrows(CacheException.class, () -> cache.get("k"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("server stopped, failed after " + took + " ms: " + down.getMessage());
        assertTrue(down.getMessage().contains("127.0.0.1:" + server.port()), down.getMessage());
        // timeout 1s, one retry: well within a few seconds
        assertTrue(took < 6000, "failed after " + took + " ms");
        assertThrows(CacheException.class, () -> cache.put("k", "w"));

        server.start(); // same port, empty (no persistence)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
          try {
            cache.put("k", "again");
            break;
          } catch (CacheException e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
            Thread.sleep(200);
          }
        }
        assertEquals("again", cache.get("k"));
        assertTrue(cache.replace("k", "again", "and again")); // scripts loaded anew after the restart
        assertEquals("and again", cache.get("k"));
      } finally {
        provider.close();
      }
    }
  }

  @Test
  void aFrozenServerTimesOutWithinTheConfiguredTimeoutAndServesAgainWhenThawed() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.timeout", "500ms");
        p.setProperty("jadugar.redis.retry-attempts", "0");
        Cache<String, String> cache = cache(provider, server.address(), p);
        cache.put("k", "v");
        server.pause();
        try {
          long start = System.nanoTime();
          CacheException e = assertThrows(CacheException.class, () -> cache.get("k"));
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          System.out.println("server frozen, failed after " + took + " ms: " + e.getMessage());
          assertTrue(e.getMessage().startsWith("redis at 127.0.0.1:" + server.port() + " timed out"), e.getMessage());
          assertTrue(took < 2000, "failed after " + took + " ms");
        } finally {
          server.resume();
        }
        assertEquals("v", cache.get("k"));
      } finally {
        provider.close();
      }
    }
  }

  @Test
  void sentinelLeadsToTheMaster() throws Exception {
    try (RedisServer master = RedisServer.launch()) {
      int port = Ports.free();
      Path dir = Files.createTempDirectory("jadugar-sentinel-");
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
          "pidfile " + dir.resolve("sentinel.pid"),
          "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1", ""));
      Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
          .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
          Process cli = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "SENTINEL",
              "get-master-addr-by-name", "mymaster").redirectErrorStream(true).start();
          String out = new String(cli.getInputStream().readAllBytes());
          cli.waitFor();
          if (out.contains(String.valueOf(master.port()))) {
            break;
          }
          assertTrue(System.nanoTime() < deadline, "sentinel did not come up: " + out);
          Thread.sleep(100);
        }
        JadugarCachingProvider provider = new JadugarCachingProvider();
        try {
          Properties p = new Properties();
          p.setProperty("jadugar.store", "redis");
          p.setProperty("jadugar.redis.sentinel.master", "mymaster");
          p.setProperty("jadugar.redis.sentinel.addresses", "127.0.0.1:" + port);
          Cache<String, String> cache = cache(provider, "jadugar:sentinel", p);
          cache.put("k", "through sentinel");
          assertEquals("through sentinel", cache.get("k"));
          assertEquals("1", master.cli("EXISTS", "faults:sk").trim());
        } finally {
          provider.close();
        }
      } finally {
        sentinel.destroy();
        sentinel.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Makes a CA, a server certificate for 127.0.0.1 signed by it, and a PKCS12 trust store of the CA. */
  private static Path certificates() throws Exception {
    Path dir = Files.createTempDirectory("jadugar-tls-");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=jadugar-test-ca",
        "-keyout", "ca.key", "-out", "ca.crt");
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
    run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
        "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12", "-storetype", "PKCS12", "-storepass", "changeit");
    return dir;
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  @Test
  void tlsWithTheServersCertificateWorksAndWithoutItTheHandshakeFails() throws Exception {
    Path certs = certificates();
    String crt = certs.resolve("server.crt").toString();
    String key = certs.resolve("server.key").toString();
    String ca = certs.resolve("ca.crt").toString();
    try (RedisServer server = RedisServer.launch(port -> List.of("--port", "0", "--tls-port", String.valueOf(port),
        "--tls-cert-file", crt, "--tls-key-file", key, "--tls-ca-cert-file", ca, "--tls-auth-clients", "no"),
        List.of("--tls", "--cacert", ca))) {
      String uri = "rediss://127.0.0.1:" + server.port();
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.tls.truststore", certs.resolve("trust.p12").toString());
        p.setProperty("jadugar.redis.tls.truststore-password", "changeit");
        Cache<String, String> cache = cache(provider, uri, p);
        cache.put("k", "over tls");
        assertEquals("over tls", cache.get("k"));
      } finally {
        provider.close();
      }
      JadugarCachingProvider untrusting = new JadugarCachingProvider();
      try {
        CacheException e = assertThrows(CacheException.class,
            () -> untrusting.getCacheManager(URI.create(uri), getClass().getClassLoader(), new Properties()));
        System.out.println("untrusted certificate: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("redis at 127.0.0.1:" + server.port() + " failed the TLS handshake"),
            e.getMessage());
      } finally {
        untrusting.close();
      }
    }
  }

  @Test
  void anAclUserAndAPasswordAuthenticateAndAWrongPasswordIsNamed() throws Exception {
    List<String> args = new ArrayList<>(List.of("--requirepass", "s3cret",
        "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all"));
    try (RedisServer server = RedisServer.launch(port -> args, List.of("--no-auth-warning", "-a", "s3cret"))) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties alice = new Properties();
        alice.setProperty("jadugar.redis.username", "alice");
        alice.setProperty("jadugar.redis.password", "wonderland");
        Cache<String, String> cache = cache(provider, server.address(), alice);
        cache.put("k", "as alice");
        assertEquals("as alice", cache.get("k"));
        assertTrue(server.cli("CLIENT", "LIST").contains("user=alice"));
      } finally {
        provider.close();
      }
      JadugarCachingProvider byPassword = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.password", "s3cret");
        Cache<String, String> cache = cache(byPassword, server.address(), p);
        cache.put("k", "with requirepass");
        assertEquals("with requirepass", cache.get("k"));
      } finally {
        byPassword.close();
      }
      JadugarCachingProvider wrong = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.username", "alice");
        p.setProperty("jadugar.redis.password", "not-it");
        CacheException e = assertThrows(CacheException.class,
            () -> wrong.getCacheManager(URI.create(server.address()), getClass().getClassLoader(), p));
        System.out.println("wrong password: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("redis at 127.0.0.1:" + server.port() + " refused authentication"),
            e.getMessage());
      } finally {
        wrong.close();
      }
    }
  }
}
