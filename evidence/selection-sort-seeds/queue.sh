#!/bin/bash
# Wait for any earlier pipeline of this worktree to end, then run the given pipelines one after another.
while pgrep -f "scratch17/pipeline.sh" > /dev/null; do sleep 5; done
for job in "$@"; do eval scratch17/pipeline.sh $job; done
