"""For an engine without encoder layers: check the pointer score falls strictly over 0..255 and END scores lowest
(then the argmax pointer finds the minimum of any visible set, of any length), report the smallest score gap, and
check the value read through the attention on adversarial visible sets: one copy of a among N-1 copies of a+1
(the heaviest competitor), and N copies of a alone, for every a and N in (2, 9, 100, 500, 2000).

Usage: python scratch17/certify.py CKPT [CKPT ...]
"""
import json, sys
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
import variants
from nee_lite.device import tune_cpu
from nee_lite.gpu import pointer_scores

tune_cpu(1)
for path in sys.argv[1:]:
    model = variants.load(path)
    engine, codec = model.engine, model.codec
    with torch.no_grad():
        s = pointer_scores(engine)  # index 0..255 then END
        gaps = s[:-2] - s[1:-1]
        end_gap = (s[:-1] - s[-1]).min()
        bad_value = {}
        for N in (2, 9, 100, 500, 2000):
            a = torch.arange(255)
            lists = torch.cat([a[:, None], (a + 1)[:, None].expand(-1, N - 1), torch.full((255, 1), codec.end)], 1)
            v, p = engine(codec.encode(lists), torch.zeros(lists.shape, dtype=torch.bool))
            wrong = (codec.decode_logits(v) != a).sum().item() + (p.argmax(-1) != 0).sum().item()
            a2 = torch.arange(256)
            lists2 = torch.cat([a2[:, None].expand(-1, N), torch.full((256, 1), codec.end)], 1)
            v2, _ = engine(codec.encode(lists2), torch.zeros(lists2.shape, dtype=torch.bool))
            wrong2 = (codec.decode_logits(v2) != a2).sum().item()
            bad_value[N] = wrong + wrong2
    print(json.dumps({"checkpoint": path, "strictly_decreasing": bool((gaps > 0).all()), "min_gap": round(gaps.min().item(), 3),
                      "mean_gap": round(gaps.mean().item(), 3), "end_below_all": bool(end_gap > 0),
                      "adversarial_value_errors": bad_value}), flush=True)
