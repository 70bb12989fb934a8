package io.jadugar.benchmarks;

import java.util.Random;

/**
 * Draws ranks 0 .. n-1 with probability proportional to 1 / (rank+1)^theta, by the method of Gray
 * et al. ("Quickly generating billion-record synthetic databases", SIGMOD 1994) that YCSB uses:
 * one uniform draw per rank, no tables.
 */
final class Zipf {

  private final int n;
  private final double theta;
  private final double alpha;
  private final double zetaN;
  private final double eta;

  Zipf(int n, double theta) {
    this.n = n;
    this.theta = theta;
    this.alpha = 1 / (1 - theta);
    this.zetaN = zeta(n, theta);
    double zeta2 = zeta(2, theta);
    this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
  }

  private static double zeta(int n, double theta) {
    double sum = 0;
    for (int i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, theta);
    }
    return sum;
  }

  int next(Random random) {
    double u = random.nextDouble();
    double uz = u * zetaN;
    if (uz < 1) {
      return 0;
    }
    if (uz < 1 + Math.pow(0.5, theta)) {
      return 1;
    }
    int rank = (int) (n * Math.pow(eta * u - eta + 1, alpha));
    return Math.min(rank, n - 1);
  }
}
