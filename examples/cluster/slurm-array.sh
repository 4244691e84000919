#!/usr/bin/env bash
# Generate a sousa-wasm dataset as a Slurm job array: one array task per shard, then one merge job
# that waits for the whole array (afterok dependency).
#
#   sbatch --array=0-15 examples/cluster/slurm-array.sh          # 16 shards
#   sbatch --dependency=afterok:<array job id> --export=ALL,STEP=merge examples/cluster/slurm-array.sh
#
# Or submit both at once with examples/cluster/slurm-submit.sh. Every task needs the same options;
# the merged dataset is byte-identical to a single-machine run of those options.
#SBATCH --job-name=sousa-wasm
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --output=sousa-%A_%a.log
set -euo pipefail

SOUSA=${SOUSA:-"npx sousa-wasm"}            # the CLI (installed package or a checkout)
SHARDS=${SHARDS:-16}                         # must equal the array size
OUT_ROOT=${OUT_ROOT:-$PWD/sousa-run}         # shared file system
GEN_OPTS=${GEN_OPTS:-"--preset full --with-audio --seed 42"}
STEP=${STEP:-shard}

if [ "$STEP" = "shard" ]; then
  : "${SLURM_ARRAY_TASK_ID:?run as a Slurm array task (sbatch --array=0-$((SHARDS - 1)))}"
  # --shard auto/N reads SLURM_ARRAY_TASK_ID; --resume makes a requeued task continue where it stopped
  $SOUSA generate $GEN_OPTS --shard "auto/$SHARDS" --resume --workers "${SLURM_CPUS_PER_TASK:-1}" \
    --out "$OUT_ROOT/shard-$SLURM_ARRAY_TASK_ID"
elif [ "$STEP" = "merge" ]; then
  shards=()
  for ((i = 0; i < SHARDS; i++)); do shards+=("$OUT_ROOT/shard-$i"); done
  $SOUSA merge "$OUT_ROOT/dataset" "${shards[@]}"
  $SOUSA validate "$OUT_ROOT/dataset" --json "$OUT_ROOT/validation.json" --html "$OUT_ROOT/validation.html"
else
  echo "STEP must be shard or merge, got $STEP" >&2
  exit 2
fi
