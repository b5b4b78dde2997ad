"""Settings for the unit tests (the chapters run in their own kernels and set theirs
with nee_lite.core.device.tune_cpu).

One torch thread and denormals flushed, from the first test on, as
``tune_cpu(threads=1)`` does for the chapters and the ``nee-lite`` command: the book's
models are tiny, and two threads on a 2-core machine that another process keeps busy are
several times slower. Measured: ``tests/test_seq2seq.py`` alone took 44-60 s with
torch's default two threads, 8.5-8.8 s with one. Before, the thread count a test ran
with depended on whether an earlier test had happened to call ``tune_cpu``.
"""

import torch

torch.set_num_threads(1)
torch.set_flush_denormal(True)
