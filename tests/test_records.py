"""The records in data/ cannot go stale silently, and every results row has the one
shape.

* Every checkpoint a record names by its SHA-256 (results.json, data/benchmarks,
  data/results, the checkpoint cards) is the file shipped now, another seed's model, or
  marked as describing an earlier checkpoint (``"describes": "an earlier checkpoint"``
  on the record or a record around it).
* Every row of data/results.json has the keys of ``nee_lite.results.store.ROW_SCHEMA``,
  checked both by the store's own checker and by ``jsonschema`` (the two must agree).
"""

import hashlib
import json
import re
from pathlib import Path

import pytest

from nee_lite.core.checkpoints import data_dir
from nee_lite.results.store import (
    EARLIER,
    LEGACY_KEYS,
    ROW_SCHEMA,
    check_rows,
    migrate_results,
    read_results,
    row_problems,
    schema_row,
)

DATA = data_dir()
HASH = re.compile(r"^[0-9a-f]{64}$")


def shipped_hashes() -> dict:
    return {
        path.stem: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((DATA / "checkpoints").glob("*.pt"))
    }


def records() -> list[Path]:
    return sorted(
        [
            DATA / "results.json",
            *(DATA / "benchmarks").glob("*.json"),
            *(DATA / "results").glob("*.json"),
            *(DATA / "checkpoints").glob("*.json"),
        ]
    )


def named_hashes(node, where: str, earlier: bool = False):
    """Every (where, record, marked earlier) of a JSON value that holds a 64-hex
    SHA-256."""
    if isinstance(node, dict):
        earlier = earlier or node.get("describes") == EARLIER
        for key, value in node.items():
            if isinstance(value, str) and HASH.match(value):
                yield f"{where}.{key}", node, earlier
            else:
                yield from named_hashes(value, f"{where}.{key}", earlier)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from named_hashes(value, f"{where}[{index}]", earlier)


def stale(record: dict, earlier: bool, shipped: dict) -> str | None:
    """Why a record that names a checkpoint by hash is stale (None: it is not)."""
    path = str(record.get("path", ""))
    name = Path(path).stem
    if earlier:
        return None
    if name not in shipped:
        return f"names no shipped checkpoint (path {path!r})"
    other_seed = re.search(r"seed-(\d+)", path)
    if (
        other_seed and int(other_seed.group(1)) != 0
    ):  # another seed's model, trained beside the shipped seed 0
        return (
            "another seed's model claims to be the shipped one"
            if record.get("identical_to_shipped")
            else None
        )
    if record.get("identical_to_shipped") is False:
        return None  # a retrain that says it is not the shipped file (another CPU kind)
    if record["sha256"] != shipped[name]:
        return (
            f"{record['sha256'][:8]}... is not the shipped {name}.pt "
            f"({shipped[name][:8]}...): re-measure it "
            f'or mark the entry "describes": "{EARLIER}"'
        )
    return None


def test_every_checkpoint_hash_in_data_is_the_shipped_file_or_marked_earlier():
    shipped, problems, found = shipped_hashes(), [], 0
    for path in records():
        for where, record, earlier in named_hashes(
            json.loads(path.read_text()), path.name
        ):
            found += 1
            if "sha256" not in record:
                problems.append(
                    f"{where}: a hash outside a checkpoint record (path and sha256)"
                )
            elif why := stale(record, earlier, shipped):
                problems.append(f"{where}: {why}")
    assert found > 0 and not problems, "\n".join(problems)


def test_the_check_catches_a_stale_hash_and_accepts_a_marked_one():
    shipped = shipped_hashes()
    old = {
        "path": "data/reproduced/merge-sort.pt",
        "sha256": "0" * 64,
        "identical_to_shipped": True,
    }
    assert "is not the shipped merge-sort.pt" in stale(old, False, shipped)
    entry = {"describes": EARLIER, "checkpoint": old}
    [(_, record, earlier)] = list(named_hashes(entry, "entry"))
    assert stale(record, earlier, shipped) is None
    assert stale({**old, "sha256": shipped["merge-sort"]}, False, shipped) is None
    # seed 0 retrained on another CPU kind: a different file that says so
    assert stale({**old, "identical_to_shipped": False}, False, shipped) is None
    assert "is not the shipped" in stale(
        {key: value for key, value in old.items() if key != "identical_to_shipped"},
        False,
        shipped,
    )
    seed_3 = {"path": "data/reproduced/table-1/seed-3/add.pt", "sha256": "1" * 64}
    assert stale(seed_3, False, shipped) is None
    assert "another seed" in stale(
        {**seed_3, "identical_to_shipped": True}, False, shipped
    )


def test_entries_marked_earlier_keep_the_hash_they_measured():
    for name, entry in read_results()["entries"].items():
        if entry.get("describes") == EARLIER:
            named = entry.get("checkpoint") or entry.get("evaluated_checkpoint") or {}
            assert HASH.match(named.get("sha256", "")), name
            assert named["sha256"] != shipped_hashes()[name], (
                f"{name} is the shipped checkpoint: unmark it"
            )


def test_every_results_row_has_the_one_shape():
    for name, entry in read_results()["entries"].items():
        check_rows(entry.get("rows", []), name)


def test_the_store_checker_agrees_with_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(ROW_SCHEMA)
    validator.check_schema(ROW_SCHEMA)
    rows = [
        row
        for entry in read_results()["entries"].values()
        for row in entry.get("rows", [])
    ]
    bad = [
        {"length": 8, "exact_match": 1.0},
        {"size": 8},
        {"size": 8, "exact_match": 1.5},
        {"size": 0, "exact_match": 1.0},
        {"seeds": 5, "exact_match": 1.0},
        {"seeds": 5, "mean": 0.9},
        {"size": "8", "exact_match": 1.0},
        {"task": 3, "exact_match": 1.0},
        [1, 2],
    ]
    for row in rows + bad:
        assert (not row_problems(row)) == validator.is_valid(row), row
    assert all(row_problems(row) for row in bad)


def test_old_rows_migrate_to_the_one_shape():
    assert schema_row(
        {"length": 8, "lists": 100, "per_element": 0.9, "exact_match": 0.5}
    ) == {"size": 8, "items": 100, "per_element": 0.9, "exact_match": 0.5}
    assert schema_row(
        {"nodes": 25, "graphs": 100, "per_node": 1.0, "per_graph": 0.9}
    ) == {"size": 25, "items": 100, "per_element": 1.0, "exact_match": 0.9}
    over = schema_row(
        {
            "variant": "bits",
            "length": 8,
            "seeds": 5,
            "per_element": 0.9,
            "min_per_element": 0.8,
            "exact_match": 0.7,
            "min_exact_match": 0.6,
            "attention_entropy": 1.2,
        }
    )
    assert over == {
        "variant": "bits",
        "size": 8,
        "seeds": 5,
        "per_element_mean": 0.9,
        "per_element_min": 0.8,
        "exact_match_mean": 0.7,
        "exact_match_min": 0.6,
        "attention_entropy_mean": 1.2,
    }
    assert schema_row(
        {"count": 64, "seeds": 5, "mean": 0.98, "min": 0.96, "max": 1.0}
    ) == {
        "count": 64,
        "seeds": 5,
        "exact_match_mean": 0.98,
        "exact_match_min": 0.96,
        "exact_match_max": 1.0,
    }
    results = {
        "entries": {
            "a": {
                "rows": [
                    {
                        "digits": 5,
                        "additions": 200,
                        "per_digit": 1.0,
                        "exact_match": 1.0,
                    }
                ],
                "runs": [{"length": 3}],
            }
        }
    }
    migrated = migrate_results(results)
    assert migrated["entries"]["a"]["rows"] == [
        {"size": 5, "items": 200, "per_element": 1.0, "exact_match": 1.0}
    ]
    assert (
        migrated["entries"]["a"]["runs"] == [{"length": 3}]
        and migrate_results(migrated) == migrated
    )
    assert set(LEGACY_KEYS.values()) <= {
        "size",
        "items",
        "train_items",
        "per_element",
        "exact_match",
        "per_element_predecessor",
    }


def test_where_run_says_kind_threads_date_and_version_in_words():
    from nee_lite.results.store import where_run

    env = {
        "cpu_kind": "AMD EPYC, AVX2",
        "device_name": "AMD EPYC (2 cores)",
        "threads": 1,
        "date": "2026-12-06T10:00:00+00:00",
        "git": {"commit": "0123456789abcdef"},
    }
    assert where_run(env) == "AMD EPYC, AVX2, 1 thread, 2026-12-06"
    assert where_run(env, version=True).endswith(", code 01234567")
    older = {"device_name": "Some CPU", "threads": 2}  # a record before the CPU kind
    assert where_run(older) == "Some CPU, 2 threads"
    assert where_run().count(",") >= 2  # this machine, now
