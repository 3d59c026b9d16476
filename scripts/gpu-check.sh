#!/usr/bin/env bash
# GPU check of flowmatch, in one go (about 10 minutes on a CUDA machine):
#   1. builds with the `cuda` Maven profile (com.microsoft.onnxruntime:onnxruntime_gpu, same API);
#   2. `flowmatch bench`: CUDA vs TensorRT vs CPU, FP16 vs FP32 models, side by side;
#   3. mixed-precision training speed: `flowmatch train --device gpu --precision fp16` vs fp32.
# Every part that cannot run here says so in one line and is skipped; the script then still runs
# what it can (on a machine without a GPU: the CPU rows, and the GPU providers' fallback lines).
#
# Environment: MODELS (comma-separated .onnx files; default every models/*.onnx),
#   BATCHES (default 64,256,1024), SOLVERS (default euler:20,heun:10), REPEATS (default 3),
#   TRAIN_STEPS (default 300), DJL_CUDA_JAR (a pytorch-native-cu* jar for part 3, see below).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
BATCHES="${BATCHES:-64,256,1024}"
SOLVERS="${SOLVERS:-euler:20,heun:10}"
REPEATS="${REPEATS:-3}"
TRAIN_STEPS="${TRAIN_STEPS:-300}"
JAVA_OPTS=(-Dai.djl.offline=true "-Dflowmatch.home=$ROOT")
say() { echo "gpu-check: $*"; }

# ---- what this machine has -------------------------------------------------------------------
HAVE_GPU=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  HAVE_GPU=1
  say "GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)"
else
  say "no NVIDIA GPU here (nvidia-smi missing or finds no device): GPU rows will be skipped"
fi
say "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. build with the cuda profile ----------------------------------------------------------
PROFILE=cuda
say "building with -P$PROFILE (onnxruntime_gpu)..."
if ! mvn -B -q -o -P"$PROFILE" -DskipTests compile >/tmp/flowmatch-gpu-build.log 2>&1; then
  if [ "$HAVE_GPU" = 1 ] && mvn -B -q -P"$PROFILE" -DskipTests compile >>/tmp/flowmatch-gpu-build.log 2>&1; then
    : # resolved onnxruntime_gpu from Maven Central
  else
    say "skip: cannot build with -P$PROFILE ($(grep -m1 -o 'Could not [^:]*\|could not be resolved[^.]*' /tmp/flowmatch-gpu-build.log || echo 'see /tmp/flowmatch-gpu-build.log'));" \
      "building the default CPU jar instead"
    PROFILE=""
    if ! mvn -B -q -o -DskipTests compile >>/tmp/flowmatch-gpu-build.log 2>&1; then
      say "the build failed; see /tmp/flowmatch-gpu-build.log"
      exit 1
    fi
  fi
fi
CP="$ROOT/training/target/classes:$(cat "$ROOT/training/target/classpath.txt")"
ORT_JAR="$(tr ':' '\n' < "$ROOT/training/target/classpath.txt" | grep -m1 -o 'onnxruntime[^/]*\.jar')"
say "ONNX Runtime on the class path: $ORT_JAR"
flowmatch() { java "${JAVA_OPTS[@]}" -cp "$CP" io.flowmatch.cli.Main "$@"; }

# ---- 2. sampling: CUDA vs TensorRT vs CPU, FP16 vs FP32 --------------------------------------
if [ -z "${MODELS:-}" ]; then
  MODELS="$(ls "$ROOT"/models/*.onnx 2>/dev/null | paste -sd, -)"
fi
if [ -z "$MODELS" ]; then
  say "skip: no models (set MODELS=a.onnx,b.onnx)"
else
  say "sampling benchmark: models $MODELS"
  # threads: all cores for the CPU rows; the GPU rows use one host thread for the solver anyway
  timeout 420 java "${JAVA_OPTS[@]}" -cp "$CP" io.flowmatch.cli.Main bench --models "$MODELS" \
    --providers cpu,cuda,tensorrt --threads "$(nproc)" --batches "$BATCHES" --solvers "$SOLVERS" \
    --repeats "$REPEATS" --csv /tmp/flowmatch-gpu-bench.csv
  rc=$?
  [ $rc = 124 ] && say "the sampling benchmark ran past its 7 minutes and was stopped (lower BATCHES/REPEATS)"
  [ $rc = 0 ] && say "CSV: /tmp/flowmatch-gpu-bench.csv"
fi

# ---- 3. mixed-precision training speed on the GPU ----------------------------------------------
# DJL needs CUDA natives for --device gpu: the build ships ai.djl.pytorch:pytorch-native-cpu only.
# Give a pytorch-native-cu* jar of PyTorch 2.7.1 (classifier linux-x86_64, e.g. pytorch-native-cu126)
# in DJL_CUDA_JAR, or have one in ~/.m2; it replaces the CPU natives on the class path.
CUDA_JAR="${DJL_CUDA_JAR:-$(ls ~/.m2/repository/ai/djl/pytorch/pytorch-native-cu*/2.7.1/*linux-x86_64.jar 2>/dev/null | head -1)}"
if [ "$HAVE_GPU" = 0 ]; then
  say "skip: mixed-precision GPU training (no GPU here)"
elif [ -z "$CUDA_JAR" ] || [ ! -f "$CUDA_JAR" ]; then
  say "skip: mixed-precision GPU training needs DJL's CUDA natives: a pytorch-native-cu* 2.7.1 jar" \
    "(linux-x86_64) in DJL_CUDA_JAR or ~/.m2; this build ships only pytorch-native-cpu"
else
  TRAIN_CP="$(echo "$CP" | tr ':' '\n' | grep -v 'pytorch-native-cpu' | paste -sd:):$CUDA_JAR"
  say "training speed with $(basename "$CUDA_JAR"), fashion-mnist, $TRAIN_STEPS steps each"
  for precision in fp32 fp16; do
    out="$(mktemp -d)/run"
    line="$(timeout 150 java "${JAVA_OPTS[@]}" -cp "$TRAIN_CP" io.flowmatch.cli.Main train --data fashion-mnist \
      --model unet --device gpu --precision "$precision" --steps "$TRAIN_STEPS" --batch 128 \
      --sample-every 0 --checkpoint-every "$TRAIN_STEPS" --quiet --out "$out" 2>&1 | grep -m1 'steps done\|error\|gpu')"
    say "train --device gpu --precision $precision: ${line:-no result (timed out?)}"
    rm -rf "$(dirname "$out")"
  done
fi
say "done; load now $(cut -d' ' -f1-3 /proc/loadavg)"
