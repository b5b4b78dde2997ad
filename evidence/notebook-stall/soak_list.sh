#!/usr/bin/env bash
# Soak one chapter list RUNS times each through the book build's path (repro.py --path jcache --fix).
# usage: evidence/notebook-stall/soak_list.sh RUNS LABEL CHAPTER...   (the LABEL says the condition: alone,
# under load from which processes, ...)
set -u
cd "$(dirname "$0")/../.."
runs=$1; label=$2; shift 2
for chapter in "$@"; do
    .venv/bin/python evidence/notebook-stall/repro.py "book/$chapter.ipynb" --runs "$runs" --path jcache --fix \
        --timeout 600 --watch 300 --out evidence/notebook-stall/soak --label "$label" > /dev/null 2>&1
done
