"""nee-lite reproduce: a quick run writes a complete results file, updates only what it
names, refuses bad input."""

import json
from dataclasses import replace

import pytest

from nee_lite.cli.main import main
from nee_lite.core.bounds import error_bound_95
from nee_lite.core.checkpoints import data_dir
from nee_lite.engines.arithmetic import ADD, TABLE_2
from nee_lite.results.store import read_results, row_problems, schema_rows
from nee_lite.tasks.experiments import EXPERIMENTS, _table_2_job, addition_heldout_table
from nee_lite.tasks.reproduce import entry_names
from nee_lite.tasks.runs import QUICK_STEPS, ReproduceOptions


def run_to(out, command):
    """``nee-lite <command> --out <out>``; returns the exit status."""
    return main([*command.split(), "--out", str(out)])


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    assert (
        run_to(out, "reproduce --quick --device cpu --tasks min-of-two numbers-as-bits")
        == 0
    )
    return out


def test_quick_run_writes_every_field_the_scorecard_needs(quick_results):
    results = read_results(quick_results / "results.json")
    assert list(results["entries"]) == ["min-of-two", "numbers-as-bits"]
    task = results["entries"]["min-of-two"]
    assert (
        task["status"] == "measured"
        and task["quick"] is True
        and task["steps"] == 20
        and task["seed"] == 0
    )
    assert (
        task["trained_on"] == "cpu"
        and task["train_wall_time_s"] >= 0
        and task["wall_time_s"] > 0
    )
    assert {row["test"] for row in task["rows"]} == {"seen numbers", "held-out numbers"}
    for entry in results[
        "entries"
    ].values():  # every row under the one set of keys (ROW_SCHEMA)
        assert not [problem for row in entry["rows"] for problem in row_problems(row)]
    environment = task["environment"]
    for key in ("device", "device_name", "cpu_kind", "torch", "python", "git", "date"):
        assert environment[key], key
    assert (
        task["checkpoint"]["sha256"]
        and (quick_results / "reproduced" / "min-of-two.pt").is_file()
    )
    assert (
        task["checkpoint"]["identical_to_shipped"] is False
    )  # 20 steps are not the shipped 3,000
    experiment = results["entries"]["numbers-as-bits"]
    assert (
        experiment["kind"] == "experiment"
        and experiment["models"] == len(experiment["rows"]) == 4
    )


def test_naming_tasks_updates_only_their_entries(quick_results, tmp_path):
    path = tmp_path / "results.json"
    before = read_results(quick_results / "results.json")
    before["entries"]["numbers-as-bits"]["marker"] = "kept"
    path.write_text(json.dumps(before))
    assert run_to(tmp_path, "reproduce --quick --device cpu --tasks min-of-two") == 0
    after = read_results(path)
    assert after["entries"]["numbers-as-bits"]["marker"] == "kept"
    dates = [
        results["entries"]["min-of-two"]["environment"]["date"]
        for results in (before, after)
    ]
    assert dates[1] >= dates[0]


def test_every_task_and_experiment_can_be_named():
    names = entry_names()
    assert {
        "min-of-two",
        "selection-sort",
        "merge-sort",
        "sort-baseline",
        "add",
        "multiply",
    } <= set(names)
    assert set(EXPERIMENTS) <= set(names)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--tasks", "teleport"], "unknown task 'teleport': choose from min-of-two"),
        (["--device", "tpu"], "unknown device 'tpu': choose auto, cpu, cuda, mps"),
        (["--device", "cuda"], "device 'cuda' was asked for but is not available here"),
        (["--out", str(data_dir())], "never go into data/"),
    ],
)
def test_errors_are_one_line_and_exit_2(cli_refuses, argv, message):
    import torch

    if "cuda" in argv and torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    cli_refuses(["reproduce", "--quick", *argv], message)


def test_a_broken_results_file_is_refused_clearly(tmp_path):
    (tmp_path / "results.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_results(tmp_path / "results.json")


def test_a_task_that_trains_nothing_is_evaluated_with_the_checkpoints_of_the_run(
    tmp_path,
):
    from dataclasses import replace

    from nee_lite.core.checkpoints import checkpoint_path
    from nee_lite.tasks.registry import TASKS
    from nee_lite.tasks.runs import ReproduceOptions, train_and_evaluate

    seen = []
    prim = replace(
        TASKS["prim"],
        load=seen.append,
        evaluate=lambda engines, seed: [{"nodes": 5, "per_graph": 1.0}],
    )
    entry = train_and_evaluate(
        prim, ReproduceOptions(tmp_path)
    )  # no selection-sort was reproduced in tmp_path
    assert entry["trained"] is False and "composes the selection-sort" in entry["note"]
    assert seen == [checkpoint_path("prim")] and entry["evaluated_with"].startswith(
        "shipped"
    )
    (tmp_path / "selection-sort.pt").write_bytes(b"")
    entry = train_and_evaluate(prim, ReproduceOptions(tmp_path))
    assert (
        seen[-1] == tmp_path / "prim"
        and entry["evaluated_with"] == "checkpoints reproduced in this run"
    )


def test_a_training_error_is_an_error_not_a_result(tmp_path):
    from dataclasses import replace

    from nee_lite.tasks.registry import TASKS
    from nee_lite.tasks.runs import ReproduceOptions, train_and_evaluate

    def broken(recipe, progress, device):
        raise ValueError("the optimizer diverged")

    with pytest.raises(ValueError, match="diverged"):
        train_and_evaluate(
            replace(TASKS["min-of-two"], fit=broken), ReproduceOptions(tmp_path)
        )


def test_train_takes_a_device_and_refuses_one_that_is_not_here(capsys, tmp_path):
    import torch

    assert run_to(tmp_path, "train min-of-two --steps 2 --device auto") == 0
    assert json.loads((tmp_path / "min-of-two.json").read_text())["device"] in (
        "cpu",
        "cuda",
        "mps",
    )
    capsys.readouterr()
    code = main(["train", "min-of-two", "--device", "tpu"])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown device 'tpu'" in err and err.count("\n") == 1
    if not torch.cuda.is_available():
        assert main(["train", "min-of-two", "--device", "cuda"]) == 2


def test_table_2_in_worker_processes_trains_the_same_engines_as_in_process(tmp_path):
    entry = addition_heldout_table(
        ReproduceOptions(checkpoints=tmp_path, quick=True, progress=False)
    )  # a pool when 2+ cores
    assert entry["members"] == 1 and [run["count"] for run in entry["runs"]] == [
        256,
        64,
    ]
    config, budget = TABLE_2.model, TABLE_2.train
    alone = _table_2_job(
        (config, replace(budget, steps=QUICK_STEPS, warmup_steps=5), 256, 0)
    )[0]
    first = entry["runs"][0]
    assert (
        first["exact_match"] == alone["exact_match"]
        and first["bit_accuracy"] == alone["bit_accuracy"]
    )
    assert (
        first["train_exact_match"] == alone["train_exact_match"]
        and first["weight_decay"] == 0.1
    )
    assert [row["count"] for row in entry["rows"]] == [256, 64] and entry["rows"][0][
        "seeds"
    ] == 1


def test_table_1_trains_every_seed_with_the_shipped_recipes_and_summarizes_over_seeds(
    tmp_path,
):
    assert (
        run_to(tmp_path, "reproduce --quick --device cpu --tasks table-1 --seeds 0 3")
        == 0
    )
    entry = read_results(tmp_path / "results.json")["entries"]["table-1"]
    assert (
        entry["status"] == "measured"
        and entry["seeds"] == [0, 3]
        and entry["models"] == 6
    )
    assert "--seeds 0 3" in entry["command"]
    assert {(run["seed"], run["task"]) for run in entry["runs"]} == {
        (seed, task)
        for seed in (0, 3)
        for task in ("selection-sort", "merge-sort", "dijkstra", "prim")
    }
    for row in entry["rows"]:  # the quick run measures size 25 only
        runs = [
            run
            for run in entry["runs"]
            if (run["task"], run["size"]) == (row["task"], row["size"])
        ]
        assert row["seeds"] == 2 and row["exact_match_min"] == min(
            run["exact_match"] for run in runs
        )
        assert row["paper"] == 1.0
        # every run counts its items; the bound is the worst seed's
        assert all(run["right"] == round(run["exact_match"] * 4) for run in runs)
        errors = max(run["items"] - run["right"] for run in runs)
        assert row["items"] == 4 and row["exact_match_error_bound_95"] == round(
            error_bound_95(errors, 4), 6
        )
    for seed in entry["per_seed"]:
        assert (
            set(seed["train_s_per_model"]) == {"selection-sort", "merge-sort", "add"}
            and seed["evaluate_s"] >= 0
        )
        for name in (
            "selection-sort",
            "merge-sort",
            "add",
        ):  # under --out, never in data/checkpoints
            assert (
                tmp_path
                / "reproduced"
                / "table-1"
                / f"seed-{seed['seed']}"
                / f"{name}.pt"
            ).is_file()
    assert {row["test"] for row in entry["per_seed"][1]["tables"]["add"]} == {
        "training pairs",
        "held-out pairs",
    }
    assert "identical_to_shipped" in entry["per_seed"][0]["checkpoints"]["add"]
    assert "identical_to_shipped" not in entry["per_seed"][1]["checkpoints"]["add"]
    cards = [
        json.loads(
            (tmp_path / "reproduced" / "table-1" / f"seed-{s}" / "add.json").read_text()
        )
        for s in (0, 3)
    ]
    assert [card["seed"] for card in cards] == [0, 3] and cards[0]["train"][
        "lr"
    ] == ADD.train.lr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--tasks", "table-1", "--seeds", "1", "1"], "--seeds names seed 1 twice"),
        (["--tasks", "table-1", "--seeds", "-2"], "--seeds must not be negative"),
        (["--tasks", "table-1", "--seeds", "one"], "invalid int value: 'one'"),
        (["--tasks", "table-1", "--shipped"], "table-1 is an experiment"),
    ],
)
def test_bad_seeds_and_shipped_experiments_are_one_line_errors(
    cli_refuses, argv, message
):
    cli_refuses(["reproduce", "--device", "cpu", *argv], message)


def test_shipped_measures_the_shipped_checkpoint_and_trains_nothing(tmp_path):
    import hashlib

    from nee_lite.core.checkpoints import checkpoint_path

    assert run_to(tmp_path, "reproduce --shipped --tasks min-of-two --device cpu") == 0
    entry = read_results(tmp_path / "results.json")["entries"]["min-of-two"]
    shipped = checkpoint_path("min-of-two")
    card = json.loads(shipped.with_suffix(".json").read_text())
    assert entry["trained"] is False and entry["evaluated_with"] == "shipped checkpoint"
    weights = shipped.with_suffix(".pt").read_bytes()
    assert (
        entry["evaluated_checkpoint"]["sha256"] == hashlib.sha256(weights).hexdigest()
    )
    assert (
        entry["seed"] == card["seed"]
        and entry["train_wall_time_s"] == card["wall_time_s"]
    )
    assert entry["rows"] == schema_rows(card["accuracy"]) and entry["command"].endswith(
        "--shipped"
    )
    assert not (tmp_path / "reproduced").exists()
