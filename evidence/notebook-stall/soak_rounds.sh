#!/usr/bin/env bash
# Soak driver (issue 20): ROUNDS rounds; each round reads PAIRS_FILE (one "CHAPTER_A CHAPTER_B" per line, read
# anew every round so pairs can be added while it runs) and runs every pair through soak_pair.sh once: two
# kernels starting in the same second, through the book build's path.
# usage: evidence/notebook-stall/soak_rounds.sh ROUNDS PAIRS_FILE [LABEL]
set -u
cd "$(dirname "$0")/../.."
rounds=$1; pairs=$2; label=${3:-pair}
for ((r = 1; r <= rounds; r++)); do
    while read -r a b; do
        [ -n "$a" ] && evidence/notebook-stall/soak_pair.sh "$a" "$b" 1 "$label"
    done < "$pairs"
    echo "round $r done $(date -u +%H:%M:%S)"
done
