"""Loaded by pytest before it collects anything (tests and chapters alike).

nbmake executes each chapter in this process with nbclient; ``_ext/kernel_client_wakeup.py`` fixes the lost
wake-up that made a chapter's cell wait for the full per-cell timeout although the kernel had answered (issue #20).
The book build installs the same fix as a Sphinx extension (``_config.yml``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
import kernel_client_wakeup  # noqa: E402

kernel_client_wakeup.install()
