#!/usr/bin/env bash
# Soak, two kernels starting at once (issue 20): for each of RUNS rounds, start one execution of CHAPTER_A and one
# of CHAPTER_B in the same second through the book build's path (repro.py --path jcache --fix), wait for both.
# usage: evidence/notebook-stall/soak_pair.sh CHAPTER_A CHAPTER_B RUNS [LABEL]
set -u
cd "$(dirname "$0")/../.."
a=$1; b=$2; runs=$3; label=${4:-pair}
for ((i = 1; i <= runs; i++)); do
    for chapter in "$a" "$b"; do
        .venv/bin/python evidence/notebook-stall/repro.py "book/$chapter.ipynb" --runs 1 --path jcache --fix \
            --timeout 600 --watch 300 --gap 0 --out evidence/notebook-stall/soak --label "$label" > /dev/null 2>&1 &
    done
    wait
done
