package io.flowmatch.inference.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The observed order of a method: how fast its error falls with NFE, error ∝ NFE^(−order). For a
 * fixed-step method of order p on a smooth problem it approaches p (Euler 1, Heun 2, RK4 4) until
 * the error reaches the floor of float32 model evaluations, where it flattens.
 *
 * @param method the method (a plot line: solver name, with its grid if not uniform)
 * @param order least-squares slope of −log(RMS error) against log(mean NFE) over all its settings
 * @param localOrders the same slope between consecutive settings (by NFE), in NFE order
 * @param points settings with a positive, finite error
 */
public record ConvergenceOrder(String method, double order, double[] localOrders, int points) {

  /** Orders of every method with at least two measured settings, in order of appearance. */
  public static List<ConvergenceOrder> of(List<SettingResult> results) {
    Map<String, List<SettingResult>> byMethod = new LinkedHashMap<>();
    for (SettingResult r : results) {
      if (!r.failed() && r.errorRms() > 0 && Double.isFinite(r.errorRms()) && r.meanNfe() > 0) {
        byMethod.computeIfAbsent(r.setting().method(), k -> new ArrayList<>()).add(r);
      }
    }
    List<ConvergenceOrder> orders = new ArrayList<>();
    for (Map.Entry<String, List<SettingResult>> e : byMethod.entrySet()) {
      List<SettingResult> points = new ArrayList<>(e.getValue());
      if (points.size() < 2) {
        continue;
      }
      points.sort((a, b) -> Double.compare(a.meanNfe(), b.meanNfe()));
      int m = points.size();
      double[] lx = new double[m];
      double[] ly = new double[m];
      for (int i = 0; i < m; i++) {
        lx[i] = Math.log(points.get(i).meanNfe());
        ly[i] = Math.log(points.get(i).errorRms());
      }
      double[] local = new double[m - 1];
      for (int i = 0; i + 1 < m; i++) {
        double dx = lx[i + 1] - lx[i];
        local[i] = dx == 0 ? Double.NaN : -(ly[i + 1] - ly[i]) / dx;
      }
      orders.add(new ConvergenceOrder(e.getKey(), -slope(lx, ly), local, m));
    }
    return orders;
  }

  /** Least-squares slope of y on x; NaN when all x are equal. */
  static double slope(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }
}
