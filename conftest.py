"""Loaded by pytest before it collects anything (tests and chapters alike).

nbmake executes each chapter in this process with nbclient. Two fixes (``_ext/``,
docs/notebook-executor.md), which the book build installs as Sphinx extensions
(``_config.yml``): ``kernel_client_wakeup`` (the lost wake-up that made a cell wait for
the whole per-cell timeout although the kernel had answered) and ``kernel_start_retry``
(a kernel that died at start-up because another process took one of its ports is started
again with new ports).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
import kernel_client_wakeup  # noqa: E402
import kernel_start_retry  # noqa: E402

kernel_client_wakeup.install()
kernel_start_retry.install()
