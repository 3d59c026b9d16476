#!/usr/bin/env bash
# 'flowmatch spark eval' at N samples with a 256 MB driver heap (local[2]: the driver also runs the
# tasks), on N Fashion-MNIST images written as a .npy (training then test images, repeated to N,
# scaled to the model's data range): a stand-in for N model samples, which would take hours to draw
# here. Prints the largest heap after a collection (GC log), the peak RSS and the wall time, then
# runs single-machine 'flowmatch eval' on the same file (default heap) and prints both Fréchet
# distances, which agree up to the order of floating-point summation.
#   spark/scripts/eval-heap-check.sh [N]        (default 100000)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
n="${1:-100000}"
model="$ROOT/models/fashion-mnist-dit.onnx"
classifier="$ROOT/models/fashion-mnist-classifier.onnx"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$ROOT" && mvn -B -q -o test-compile -pl spark -am >/dev/null)
CLASSPATH="$ROOT/spark/target/test-classes:$ROOT/spark/target/classes:$(cat "$ROOT/spark/target/test-classpath.txt")" \
  java io.flowmatch.spark.bench.ImageSetNpy "$work/x.npy" "$n" "$model" /usr/share/datasets/fashion-mnist
# the reference both evals score against: spark eval's (the first min(60000, max(N, 10000)) training
# images); single-machine eval reads it with --data (its default floor needs N test images)
m=$(( n > 10000 ? (n < 60000 ? n : 60000) : 10000 ))
CLASSPATH="$ROOT/spark/target/test-classes:$ROOT/spark/target/classes:$(cat "$ROOT/spark/target/test-classpath.txt")" \
  java io.flowmatch.spark.bench.ImageSetNpy "$work/ref.npy" "$m" "$model" /usr/share/datasets/fashion-mnist
start=$(date +%s.%N)
FLOWMATCH_JAVA_OPTS="-Xmx256m -Xlog:gc:file=$work/gc.log" /usr/bin/time -f "%M" -o "$work/rss" \
  "$ROOT/flowmatch" spark eval --master 'local[2]' \
  --conf spark.testing.reservedMemory=67108864 --conf spark.ui.enabled=false \
  --model "$model" --samples "$work/x.npy" --classifier "$classifier" | tee "$work/spark.txt"
end=$(date +%s.%N)
heap=$(grep -o '[0-9]*M->[0-9]*M' "$work/gc.log" | sed 's/.*->//; s/M//' | sort -n | tail -1)
gcs=$(grep -c 'Pause' "$work/gc.log" || true)
printf 'spark eval, n=%s: -Xmx256m, largest heap after GC %s MiB over %s pauses, peak RSS %s MiB, wall %.1f s\n' \
  "$n" "$heap" "$gcs" "$(( $(cat "$work/rss") / 1024 ))" "$(echo "$end - $start" | bc)"
start=$(date +%s.%N)
# the inference CLI alone (what './flowmatch eval' runs), with the launcher's sampling options
CLASSPATH="$ROOT/inference/target/classes:$(cat "$ROOT/inference/target/classpath.txt")" \
  /usr/bin/time -f "%M" -o "$work/rss1" java -XX:+UseSerialGC -Xms16m \
  io.flowmatch.inference.cli.InferenceMain eval --model "$model" --samples "$work/x.npy" \
  --n "$n" --data "$work/ref.npy" --floor-data "$work/x.npy" --classifier "$classifier" --threads 2 | tee "$work/single.txt"
end=$(date +%s.%N)
printf 'single-machine eval, n=%s: peak RSS %s MiB, wall %.1f s\n' \
  "$n" "$(( $(cat "$work/rss1") / 1024 ))" "$(echo "$end - $start" | bc)"
echo "fd: spark $(awk '$1 == "fd" {print $2}' "$work/spark.txt"), single machine $(grep -m1 -E '^ *fd' "$work/single.txt" | awk '{print $2}')"
