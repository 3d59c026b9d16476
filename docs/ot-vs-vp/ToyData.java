import io.flowmatch.inference.io.Npy;
import io.flowmatch.training.data.ToyDatasets;
import io.flowmatch.training.data.TrainingData;
import java.nio.file.Path;

/** Writes fresh draws of a 2-D toy set: java ToyData NAME COUNT SEED OUT.npy */
public class ToyData {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[1]);
    TrainingData d = ToyDatasets.generate(a[0], n, Long.parseLong(a[2]));
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) d.copySample(i, xy, 2 * i);
    Npy.write(Path.of(a[3]), new int[] {n, 2}, xy);
  }
}
