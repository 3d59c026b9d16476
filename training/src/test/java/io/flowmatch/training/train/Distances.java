package io.flowmatch.training.train;

/** Sample-based distances between 2-D point clouds. */
final class Distances {
  private Distances() {}

  /** Energy distance 2E|X−Y| − E|X−X'| − E|Y−Y'| (V-statistic; zero iff equal in distribution). */
  static double energy(float[] a, float[] b) {
    return 2 * meanDist(a, b) - meanDist(a, a) - meanDist(b, b);
  }

  private static double meanDist(float[] a, float[] b) {
    int n = a.length / 2;
    int m = b.length / 2;
    double s = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double dx = a[2 * i] - b[2 * j];
        double dy = a[2 * i + 1] - b[2 * j + 1];
        s += Math.sqrt(dx * dx + dy * dy);
      }
    }
    return s / ((double) n * m);
  }
}
