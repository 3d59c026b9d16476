package io.flowmatch.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter) over float32 master weights, written by hand so its state (two
 * moment arrays per parameter and the update count) is ours to checkpoint bit for bit — DJL keeps
 * its optimizer state out of reach inside its parameter store.
 */
public final class AdamW {
  private static final int MAGIC = 0x41444d57; // "ADMW"

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private long updates;

  public AdamW(
      NDManager manager,
      List<NDArray> params,
      double beta1,
      double beta2,
      double eps,
      double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    for (NDArray p : params) {
      m.add(manager.zeros(p.getShape(), p.getDataType()));
      v.add(manager.zeros(p.getShape(), p.getDataType()));
    }
  }

  /** Updates applied so far (skipped steps do not count: they drive the bias correction). */
  public long updates() {
    return updates;
  }

  /**
   * Applies one update in place. Temporaries are closed explicitly: results of DJL operations
   * belong to the manager of their first operand, here the long-lived state's.
   *
   * @param params master weights
   * @param grads float32 gradients, already unscaled and clipped
   * @param lr learning rate of this step
   */
  public void step(List<NDArray> params, List<NDArray> grads, double lr) {
    updates++;
    float c1 = (float) (1 - Math.pow(beta1, updates));
    float c2 = (float) (1 - Math.pow(beta2, updates));
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray g = grads.get(i);
      NDArray mi = m.get(i);
      NDArray vi = v.get(i);
      try (NDArray g1 = g.mul((float) (1 - beta1));
          NDArray g2 = g.square()) {
        mi.muli((float) beta1).addi(g1);
        vi.muli((float) beta2).addi(g2.muli((float) (1 - beta2)));
      }
      try (NDArray vHat = vi.div(c2);
          NDArray denom = vHat.sqrt();
          NDArray update = mi.div(c1)) {
        denom.addi((float) eps);
        update.divi(denom);
        if (weightDecay != 0) {
          try (NDArray decay = p.mul((float) weightDecay)) {
            update.addi(decay);
          }
        }
        p.subi(update.muli((float) lr));
      }
    }
  }

  /** Writes the moments and update count. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeLong(updates);
    out.writeInt(m.size());
    for (int i = 0; i < m.size(); i++) {
      writeArray(out, m.get(i));
      writeArray(out, v.get(i));
    }
  }

  /** Restores what {@link #save} wrote; shapes must match the current parameters. */
  public void load(NDManager manager, DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("optimizer state is not an AdamW state (bad magic number)");
    }
    long savedUpdates = in.readLong();
    int count = in.readInt();
    if (count != m.size()) {
      throw new IOException(
          "optimizer state holds " + count + " parameters, the model has " + m.size());
    }
    for (int i = 0; i < count; i++) {
      m.set(i, readArray(manager, in, m.get(i)));
      v.set(i, readArray(manager, in, v.get(i)));
    }
    updates = savedUpdates;
  }

  private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
    byte[] bytes = a.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static NDArray readArray(NDManager manager, DataInputStream in, NDArray like)
      throws IOException {
    int n = in.readInt();
    byte[] bytes = in.readNBytes(n);
    if (bytes.length != n) {
      throw new IOException("optimizer state is truncated");
    }
    NDArray a = NDArray.decode(manager, bytes);
    if (!a.getShape().equals(like.getShape())) {
      throw new IOException(
          "optimizer state shape " + a.getShape() + " does not match " + like.getShape());
    }
    like.close();
    return a;
  }
}
