package io.jadugar.benchmarks;

/** The loopback port of a server that {@code run.sh} started, read from a system property. */
public final class RemoteServer {

  /** The only host the benchmarks ever talk to: run.sh binds its servers to loopback only. */
  public static final String HOST = "127.0.0.1";

  private RemoteServer() {}

  /**
   * The port in system property {@code property}; fails with a hint when run.sh did not set it.
   * The properties are named {@code bench.*}: Jadugar refuses unknown {@code jadugar.*} properties.
   */
  public static int port(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      // JMH forks inherit nothing implicitly: Profile passes the property to every fork it starts
      throw new IllegalStateException("-D" + property + " is not set: run the remote benchmarks through"
          + " jadugar-benchmarks/run.sh, which starts the server on a free loopback port");
    }
    return Integer.parseInt(value.trim());
  }
}
