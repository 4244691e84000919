#!/usr/bin/env bash
# Submit the shard array and the merge job that depends on it.
#   SHARDS=16 bash examples/cluster/slurm-submit.sh
set -euo pipefail
SHARDS=${SHARDS:-16}
here=$(dirname "$0")
array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL,SHARDS="$SHARDS",STEP=shard "$here/slurm-array.sh")
sbatch --dependency="afterok:$array" --export=ALL,SHARDS="$SHARDS",STEP=merge "$here/slurm-array.sh"
