"""Train one selection-sort NEE variant for one seed (one thread), save it where evalsort.py can load it.

Usage: python scratch17/train.py VARIANT SEED OUTDIR
Variants are defined in VARIANTS below: (NEEConfig overrides, TrainConfig overrides, SortData overrides).
"""
import json, sys, time
from dataclasses import replace
from pathlib import Path
import torch
from nee_lite.device import tune_cpu, seed_everything
from nee_lite.nee import NEEConfig, SortData
import nee_lite.nee
sys.path.insert(0, str(Path(__file__).parent))
import variants
from nee_lite.training import TrainConfig
from nee_lite.checkpoints import save_checkpoint

BASE_TRAIN = dict(steps=2000, batch_size=64, lr=1e-2, warmup_steps=100, min_lr_ratio=0.0, grad_clip=None)

VARIANTS = {
    "baseline": ({}, {}, {}),
    "enc0": ({"encoder_layers": 0}, {}, {}),
    "lenscale": ({"length_scale": True}, {}, {}),
    "enc0-lenscale": ({"encoder_layers": 0, "length_scale": True}, {}, {}),
    "steps6k": ({}, {"steps": 6000}, {}),
    "embbias": ({"embedding_bias": True}, {}, {}),
    "enc0-steps6k": ({"encoder_layers": 0}, {"steps": 6000}, {}),
    "zeroshift": ({"shift_to_zero": True}, {}, {}),
    "enc0-steps1k": ({"encoder_layers": 0}, {"steps": 1000}, {}),
    "enc0-lenscale-steps1k": ({"encoder_layers": 0, "length_scale": True}, {"steps": 1000}, {}),
    # the same method as implemented in the library (NEEConfig.score = "log-length"), at the shipped budget
    "enc0-loglen": ({"encoder_layers": 0, "score": "log-length"}, {}, {}),
    "enc0-loglen-steps1k": ({"encoder_layers": 0, "score": "log-length"}, {"steps": 1000}, {}),
}

def main(variant, seed, out):
    tune_cpu(threads=1)
    model_over, train_over, data_over = VARIANTS[variant]
    model_over = dict(model_over)
    flags = {key: model_over.pop(key, False) for key in list(variants.FLAGS)}
    variants.install(**flags)
    config = NEEConfig(**model_over)
    train_config = TrainConfig(**{**BASE_TRAIN, **train_over, "seed": seed})
    data = replace(SortData(), **data_over)
    seed_everything(seed)
    t = time.perf_counter()
    model, er, mr = nee_lite.nee.train_selection_sort_nee(config, train_config, data, progress=False)
    assert isinstance(model.engine, variants.VariantNEE) == (flags["length_scale"] or flags["embedding_bias"])
    wall = time.perf_counter() - t
    temps = {name: round(m.log_temperature.exp().item(), 3) for name, m in model.engine.named_modules()
             if hasattr(m, "log_temperature")}
    card = {"task": "selection-sort", "variant": variant, "variant_flags": flags, "seed": seed, "train": train_config.to_dict(),
            "data": {"max_length": data.max_length, "min_length": data.min_length, "mix": list(data.mix)},
            "wall_time_s": round(wall, 1), "engine_wall_s": round(er.wall_time_s, 1), "cpu_time_s": round(er.cpu_time_s + mr.cpu_time_s, 1),
            "temperatures": temps, "last": er.history[-1],
            "parameters": sum(p.numel() for p in model.parameters())}
    save_checkpoint(model, Path(out) / "selection-sort", card)
    print(json.dumps({k: card[k] for k in ("variant", "seed", "wall_time_s", "temperatures", "parameters", "last")}), flush=True)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
