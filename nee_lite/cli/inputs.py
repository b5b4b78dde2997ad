"""The command line's input: JSON from a file or standard input.

:mod:`nee_lite.inputs` checks it before any network runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["UsageError", "read_json_input"]


class UsageError(Exception):
    """A mistake in how the command was called or in its input."""


def read_json_input(source: str):
    """Parse the JSON at ``source`` (a path, or ``-`` for standard input); errors are
    one line."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as error:
        raise UsageError(f"cannot read input {source}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"input {source} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"input is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})"
        ) from None
