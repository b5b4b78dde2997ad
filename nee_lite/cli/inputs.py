"""The command line's input: JSON from a file or standard input, checked before any network runs.

Every check names the item (and position) it is about, so one bad entry stops the whole file with an error that
says where, rather than being dropped silently. Graphs are read by :func:`nee_lite.graphs.data.parse_graphs`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..ancestors.lte_programs import VOCAB
from ..ancestors.npi_env import parse_operand
from ..core.encoding import NumberCodec, from_json_number

__all__ = ["UsageError", "read_json_input", "parse_number_pairs", "parse_number_lists", "parse_decimal_pairs",
           "parse_programs"]


class UsageError(Exception):
    """A mistake in how the command was called or in its input."""


def read_json_input(source: str):
    """Parse the JSON at ``source`` (a path, or ``-`` for standard input); errors are one line."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as error:
        raise UsageError(f"cannot read input {source}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"input {source} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"input is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None


def parse_number_pairs(data, codec: NumberCodec, check=None) -> tuple[list[int], list[int]]:
    """Check a JSON array of ``[a, b]`` pairs (numbers in the codec's range, ``"inf"`` allowed) and split it.

    ``check(a, b)``, if given, adds a task's own rule; every error names the item it is about.
    """
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of [a, b] pairs")
    a, b = [], []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b], got {pair!r:.60}")
        try:
            x, y = (from_json_number(value, codec) for value in pair)
            if check is not None:
                check(x, y)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
        a.append(x)
        b.append(y)
    return a, b


def parse_number_lists(data, codec: NumberCodec, max_length: int = 10_000) -> list[list[int]]:
    """Check a JSON array of non-empty integer lists (each number in the codec's range, no end token)."""
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of lists of integers")
    lists = []
    for index, item in enumerate(data):
        if not isinstance(item, list):
            raise ValueError(f"item {index}: expected a list of integers, got {item!r:.60}")
        if not item:
            raise ValueError(f"item {index}: the list is empty; lists need at least one number")
        if len(item) > max_length:
            raise ValueError(f"item {index}: {len(item)} numbers is more than the limit of {max_length}")
        numbers = []
        for position, value in enumerate(item):
            if value == "inf":
                raise ValueError(f"item {index}, position {position}: \"inf\" cannot be sorted; "
                                 f"use integers from 0 to {codec.max_value}")
            try:
                numbers.append(from_json_number(value, codec))
            except ValueError as error:
                raise ValueError(f"item {index}, position {position}: {error}") from None
        lists.append(numbers)
    return lists


def parse_decimal_pairs(data) -> list[tuple[str, str]]:
    """Check a JSON array of ``[a, b]`` pairs of non-negative integers written as decimal strings."""
    if not isinstance(data, list) or not data:
        raise ValueError('input must be a non-empty JSON array of [a, b] pairs of decimal strings, e.g. [["12", "30"]]')
    pairs = []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b] of decimal strings, got {pair!r:.60}")
        try:
            pairs.append((parse_operand(pair[0]), parse_operand(pair[1])))
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    return pairs


def parse_programs(data) -> list[str]:
    """Check a JSON array of program texts in the Learning-to-Execute alphabet, at most 2,000 characters each."""
    if not isinstance(data, list) or not data:
        raise ValueError('input must be a non-empty JSON array of program texts, e.g. ["a=12\\nprint((a+7))"]')
    for index, program in enumerate(data):
        if not isinstance(program, str) or not program.strip():
            raise ValueError(f"item {index}: expected the text of a program, got {program!r:.60}")
        if len(program) > 2000:
            raise ValueError(f"item {index}: {len(program)} characters is more than the limit of 2000")
        try:
            VOCAB.encode(program)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    return data
