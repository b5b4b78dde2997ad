#!/bin/bash
# Copy the small evidence files (cards and evaluation rows, no weights) into scratch17/results/ and write the tables.
mkdir -p scratch17/results
for d in runs/*/s*; do
  v=$(basename $(dirname $d)); s=$(basename $d)
  mkdir -p scratch17/results/$v/$s
  cp $d/selection-sort.json scratch17/results/$v/$s/card.json 2>/dev/null
  cp $d/eval.json scratch17/results/$v/$s/eval.json 2>/dev/null
done
.venv/bin/python scratch17/summarize.py baseline enc0 lenscale zeroshift embbias steps6k enc0-steps1k enc0-lenscale-steps1k enc0-loglen > scratch17/results/ablation.md
