"""Where does a closed-loop run first go wrong: the value (wrong number emitted while the pointer is on a minimum)
or the pointer (argmax not on a visible minimum)? Usage: python scratch17/diagnose.py CKPT FAMILY LENGTH [COUNT]"""
import sys, collections
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
import variants
sys.path.insert(0, str(Path(__file__).parent))
from evalsort import family
from nee_lite.device import tune_cpu

model = variants.load(sys.argv[1]); tune_cpu(1)
lists = family(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 100)
end = model.codec.end
trace = model.execute(lists, record=True)
kinds = collections.Counter()
for row in range(len(lists)):
    numbers = lists[row].tolist() + [end]
    for step, (mask, pointer, values) in enumerate(zip(trace.masks, trace.pointers, trace.values)):
        visible = [x for x, h in zip(numbers, mask[row].tolist()) if not h]
        if not visible:
            break
        true_min = min(visible)
        p = pointer[row]
        pointed = numbers[p.argmax().item()]
        mass = sum(p[i].item() for i, x in enumerate(numbers) if x == true_min and not mask[row, i])
        if pointed != true_min or values[row].item() != true_min or mask[row].sum().item() != step:
            kind = ("pointer" if pointed != true_min else "") + ("+value" if values[row].item() != true_min else "") + \
                   ("+mask" if mask[row].sum().item() != step else "")
            kinds[kind] += 1
            print(f"list {row}: step {step}, {len(visible)} visible, min {true_min}, emitted {values[row].item()}, "
                  f"pointed at {pointed}, pointer mass on min {mass:.3f}, kind {kind}")
            break
print(dict(kinds))
