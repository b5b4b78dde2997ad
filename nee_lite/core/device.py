"""Where to run and how to make runs repeatable.

Every chapter starts with :func:`pick_device`, which says what it found, and
:func:`seed_everything`, so that a chapter executed twice on the CPU prints the same
numbers twice.
"""

from __future__ import annotations

import os
import platform
import random
import sys

import numpy as np
import torch

__all__ = [
    "pick_device",
    "seed_everything",
    "in_colab",
    "tune_cpu",
    "device_name",
    "cpu_kind",
]


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules


def pick_device(preferred: str | None = None, verbose: bool = True) -> torch.device:
    """Return the best available device (CUDA, then Apple's MPS, then the CPU) and say
    which.

    ``preferred`` ("cpu", "cuda", "mps") forces a choice; asking for one that is not
    there is an error rather than a silent fall-back, so a benchmark never reports CPU
    numbers as GPU numbers.
    """
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
        "cpu": True,
    }
    if preferred is not None:
        if preferred not in available:
            raise ValueError(f"unknown device {preferred!r}: choose cpu, cuda or mps")
        if not available[preferred]:
            raise ValueError(
                f"device {preferred!r} was asked for but is not available here"
            )
        device = torch.device(preferred)
    else:
        device = torch.device(
            next(name for name in ("cuda", "mps", "cpu") if available[name])
        )
    if verbose:
        print(describe_device(device))
    return device


def describe_device(device: torch.device) -> str:
    """One line naming the device, with a hint when a GPU could be had."""
    if device.type == "cuda":
        return f"Using GPU: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Using Apple GPU (MPS)"
    hint = " In Colab: Runtime > Change runtime type > GPU." if in_colab() else ""
    threads = torch.get_num_threads()
    return f"Using CPU ({threads} threads); no CUDA or MPS device found.{hint}"


def device_name(device: torch.device | str) -> str:
    """The hardware's name, for benchmark and results files: the GPU's, or the CPU's
    model name and core count."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                model,
            )
    except OSError:
        pass
    return f"{model} ({os.cpu_count()} cores)"


def cpu_kind() -> str:
    """The CPU's model and the vector instructions PyTorch uses on it, for example
    ``"AMD EPYC, AVX512"``.

    Training on a CPU is repeatable bit for bit on the same kind of CPU, not across
    kinds: another model or instruction set rounds some sums differently, and a run then
    follows another path from its first steps. Files that record a training run name the
    kind that made it, so a chapter knows whether to expect the same bits.
    """
    model = device_name("cpu").rsplit(" (", 1)[0]
    return f"{model}, {torch.backends.cpu.get_cpu_capability()}"


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and PyTorch, and return a CPU generator for data sampling."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def tune_cpu(threads: int | None = 1) -> None:
    """Settings that make the book's tiny models fast on a CPU.

    * Flush denormal floats to zero: once attention is sharp, softmax weights underflow
      into denormals, and arithmetic on those is so slow that training the sorting
      engine became ten times slower mid-run.
    * Use one thread (or ``threads``): models of a few thousand parameters gain nothing
      from a second thread, and two threads competing with another busy process for two
      cores can be 50 times slower.
    """
    torch.set_flush_denormal(True)
    if threads is not None:
        torch.set_num_threads(threads)
