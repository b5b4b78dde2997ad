#!/bin/bash
# Usage: scratch17/pipeline.sh VARIANT "SEEDS" LENGTHS COUNT500 COUNT200 (lists per family at 500 / at 200)
# Trains each seed (one process at a time, one thread), then evaluates it; logs under runs/VARIANT/
V=$1; SEEDS=$2; L=${3:-8,25,50,100,200,500}; C5=${4:-100}; C2=${5:-100}
mkdir -p runs/$V
for S in $SEEDS; do
  .venv/bin/python scratch17/train.py $V $S runs/$V/s$S >> runs/$V/train.log 2>&1
  .venv/bin/python scratch17/evalsort.py runs/$V/s$S/selection-sort --lengths $L --count500 $C5 --count200 $C2 --json runs/$V/s$S/eval.json > runs/$V/s$S/eval.log 2>&1
done
