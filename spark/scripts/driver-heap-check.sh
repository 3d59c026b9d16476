#!/usr/bin/env bash
# Shows that 'flowmatch spark sample' keeps the driver's memory flat in --n: the samples go to the
# shard files, only per-shard summaries reach the driver. Runs gmm8 at N1 and N2 samples on local[2]
# (in local mode the driver also runs the tasks, so this bounds executor memory too) with a 256 MB
# heap, and prints each run's largest heap after a collection (from the GC log) and peak RSS.
# Spark refuses a heap under 450 MB (1.5 x its 300 MB reserve for its own objects) unless the
# reserve is lowered: spark.testing.reservedMemory (bytes) sets it to 64 MiB here.
#   spark/scripts/driver-heap-check.sh [N1] [N2]       (default 10000 100000)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in "${1:-10000}" "${2:-100000}"; do
  FLOWMATCH_JAVA_OPTS="-Xmx256m -Xlog:gc:file=$work/gc-$n.log" \
    /usr/bin/time -f "%M" -o "$work/rss-$n" \
    "$ROOT/flowmatch" spark sample --master 'local[2]' \
    --conf spark.testing.reservedMemory=67108864 --conf spark.ui.enabled=false --model "$ROOT/models/gmm8.onnx" \
    --n "$n" --solver heun --steps 20 --seed 0 --out "$work/out-$n"
  heap=$(grep -o '[0-9]*M->[0-9]*M' "$work/gc-$n.log" | sed 's/.*->//; s/M//' | sort -n | tail -1)
  gcs=$(grep -c 'Pause' "$work/gc-$n.log" || true)
  bytes=$(du -sb "$work/out-$n" | cut -f1)
  echo "n=$n: -Xmx256m, largest heap after GC ${heap} MiB over ${gcs} pauses, peak RSS $(( $(cat "$work/rss-$n") / 1024 )) MiB, output ${bytes} bytes in $(ls "$work/out-$n" | grep -c npy) shards"
done
