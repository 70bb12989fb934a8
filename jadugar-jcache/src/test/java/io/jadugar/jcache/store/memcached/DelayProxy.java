package io.jadugar.jcache.store.memcached;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port in front of a memcached that holds every chunk the client
 * sends for {@code delayMillis} before passing it on, so that each round trip costs about that
 * long: a test can count an operation's round trips by timing it. Replies pass at once, and bytes
 * keep their order.
 */
final class DelayProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final MemcachedServer target;
  private final long delayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  DelayProxy(MemcachedServer target, long delayMillis) throws IOException {
    this.target = target;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "delay-proxy-accept");
  }

  /** {@code 127.0.0.1:port} of the proxy. */
  String hostPort() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.address().getAddress(), target.port());
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        BlockingQueue<Object[]> due = new LinkedBlockingQueue<>();
        daemon(() -> read(client, due), "delay-proxy-in");
        daemon(() -> release(due, server), "delay-proxy-out");
        daemon(() -> pump(server, client), "delay-proxy-reply");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Reads the client's chunks and stamps each with the time it may go on. */
  private void read(Socket client, BlockingQueue<Object[]> due) {
    byte[] buf = new byte[65536];
    try (InputStream in = client.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        due.add(new Object[] {System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)});
      }
    } catch (IOException e) {
      // a side closed
    }
    due.add(new Object[] {0L, null});
  }

  private void release(BlockingQueue<Object[]> due, Socket server) {
    try (OutputStream out = server.getOutputStream()) {
      while (true) {
        Object[] chunk = due.take();
        if (chunk[1] == null) {
          return;
        }
        long wait = (Long) chunk[0] - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        out.write((byte[]) chunk[1]);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // closed
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[65536];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
