#!/usr/bin/env bash
# Soak (issue 20): every chapter RUNS times through the book build's execution path (jupyter-cache's
# single_nb_execution -> nbclient, with _ext/kernel_client_wakeup.py installed as the build installs it), alone,
# shortest chapters first. Each run appends a record to soak/log.jsonl (wall time, slowest cell, reply delays; a
# reply delayed more than 5 s is a stall). usage: evidence/notebook-stall/soak.sh [RUNS] [LABEL]
set -u
cd "$(dirname "$0")/../.."
runs=${1:-20}
label=${2:-alone}
for chapter in scorecard attention_collapse npi_vs_nee npi_sorting learning_to_execute dijkstra gpu_training prim \
               merge_sort npi conditional_masking reproducibility arithmetic numbers_as_bits; do
    .venv/bin/python evidence/notebook-stall/repro.py "book/$chapter.ipynb" --runs "$runs" --path jcache --fix \
        --timeout 600 --out evidence/notebook-stall/soak --label "$label"
done
