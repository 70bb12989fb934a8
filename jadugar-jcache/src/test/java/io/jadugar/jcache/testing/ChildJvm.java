package io.jadugar.jcache.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * A second JVM for tests that need two: the same {@code java}, the same class path, Jadugar as the
 * JSR-107 provider, running a test class's {@code main}. Workers take store settings as trailing
 * {@code key=value} arguments ({@link #withSettings}, read back by {@link #settings}).
 */
public final class ChildJvm {

  private ChildJvm() {}

  /** The command that runs {@code main} with {@code args} in a JVM like this one. */
  public static List<String> command(Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
        + File.separator + "java", "-cp", System.getProperty("java.class.path"),
        "-Djavax.cache.spi.CachingProvider=io.jadugar.jcache.JadugarCachingProvider", main.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /** A process builder for {@link #command}; the caller chooses where its output goes. */
  public static ProcessBuilder builder(Class<?> main, String... args) {
    return builder(main, Arrays.asList(args));
  }

  /** A process builder for {@link #command}; the caller chooses where its output goes. */
  public static ProcessBuilder builder(Class<?> main, List<String> args) {
    return new ProcessBuilder(command(main, args));
  }

  /** {@code args} followed by each of {@code settings} as {@code key=value}. */
  public static List<String> withSettings(List<String> args, Properties settings) {
    List<String> all = new ArrayList<>(args);
    settings.forEach((k, v) -> all.add(k + "=" + v));
    return all;
  }

  /** The {@code key=value} arguments of a worker from index {@code from} on, as settings. */
  public static Properties settings(String[] args, int from) {
    Properties p = new Properties();
    for (int i = from; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      p.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    return p;
  }

  /** A reader of the process's standard output. */
  public static BufferedReader output(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The first line of {@code out} that starts with {@code prefix}, read in the background; null if the output ends first. */
  public static CompletableFuture<String> readUntil(BufferedReader out, String prefix) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
          if (l.startsWith(prefix)) {
            return l;
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
  }
}
