"""nee-lite reproduce: a quick run writes a complete results file, updates only what it names, refuses bad input."""

import json
from dataclasses import replace

import pytest

from nee_lite.core.checkpoints import data_dir
from nee_lite.cli.main import main
from nee_lite.cli.reproduce import (EXPERIMENTS, QUICK_STEPS, Run, _table_2_job, addition_heldout_table, entry_names,
                                read_results)
from nee_lite.engines.arithmetic import TABLE_2


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    assert main(["reproduce", "--quick", "--device", "cpu", "--tasks", "min-of-two", "numbers-as-bits",
                 "--out", str(out)]) == 0
    return out


def test_quick_run_writes_every_field_the_scorecard_needs(quick_results):
    results = read_results(quick_results / "results.json")
    assert list(results["entries"]) == ["min-of-two", "numbers-as-bits"]
    task = results["entries"]["min-of-two"]
    assert task["status"] == "measured" and task["quick"] is True and task["steps"] == 20 and task["seed"] == 0
    assert task["trained_on"] == "cpu" and task["train_wall_time_s"] >= 0 and task["wall_time_s"] > 0
    assert {row["test"] for row in task["rows"]} == {"seen numbers", "held-out numbers"}
    environment = task["environment"]
    for key in ("device", "device_name", "cpu_kind", "torch", "python", "git", "date"):
        assert environment[key], key
    assert task["checkpoint"]["sha256"] and (quick_results / "reproduced" / "min-of-two.pt").is_file()
    assert task["checkpoint"]["identical_to_shipped"] is False  # 20 steps are not the shipped 3,000
    experiment = results["entries"]["numbers-as-bits"]
    assert experiment["kind"] == "experiment" and experiment["models"] == len(experiment["rows"]) == 4


def test_naming_tasks_updates_only_their_entries(quick_results, tmp_path):
    path = tmp_path / "results.json"
    before = read_results(quick_results / "results.json")
    before["entries"]["numbers-as-bits"]["marker"] = "kept"
    path.write_text(json.dumps(before))
    assert main(["reproduce", "--quick", "--device", "cpu", "--tasks", "min-of-two", "--out", str(tmp_path)]) == 0
    after = read_results(path)
    assert after["entries"]["numbers-as-bits"]["marker"] == "kept"
    dates = [results["entries"]["min-of-two"]["environment"]["date"] for results in (before, after)]
    assert dates[1] >= dates[0]


def test_every_task_and_experiment_can_be_named():
    names = entry_names()
    assert {"min-of-two", "selection-sort", "merge-sort", "sort-baseline", "add", "multiply"} <= set(names)
    assert set(EXPERIMENTS) <= set(names)


@pytest.mark.parametrize("argv, message", [
    (["--tasks", "teleport"], "unknown task 'teleport': choose from min-of-two"),
    (["--device", "tpu"], "unknown device 'tpu': choose auto, cpu, cuda, mps"),
    (["--device", "cuda"], "device 'cuda' was asked for but is not available here"),
    (["--out", str(data_dir())], "never go into data/"),
])
def test_errors_are_one_line_and_exit_2(capsys, argv, message):
    import torch

    if "cuda" in argv and torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    code = main(["reproduce", "--quick", *argv])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and err.startswith("nee-lite: error:") and message in err


def test_a_broken_results_file_is_refused_clearly(tmp_path):
    (tmp_path / "results.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_results(tmp_path / "results.json")


def test_a_task_that_trains_nothing_is_evaluated_with_the_checkpoints_of_the_run(tmp_path):
    from dataclasses import replace

    from nee_lite.cli.registry import TASKS
    from nee_lite.cli.reproduce import Run, train_and_evaluate
    from nee_lite.core.checkpoints import checkpoint_path

    seen = []
    prim = replace(TASKS["prim"], load=seen.append, evaluate=lambda engines, seed: [{"nodes": 5, "per_graph": 1.0}])
    entry = train_and_evaluate(prim, Run(tmp_path))  # no selection-sort was reproduced in tmp_path
    assert entry["trained"] is False and "composes the selection-sort" in entry["note"]
    assert seen == [checkpoint_path("prim")] and entry["evaluated_with"].startswith("shipped")
    (tmp_path / "selection-sort.pt").write_bytes(b"")
    entry = train_and_evaluate(prim, Run(tmp_path))
    assert seen[-1] == tmp_path / "prim" and entry["evaluated_with"] == "checkpoints reproduced in this run"


def test_a_training_error_is_an_error_not_a_result(tmp_path):
    from dataclasses import replace

    from nee_lite.cli.registry import TASKS
    from nee_lite.cli.reproduce import Run, train_and_evaluate

    def broken(recipe, progress, device):
        raise ValueError("the optimizer diverged")

    with pytest.raises(ValueError, match="diverged"):
        train_and_evaluate(replace(TASKS["min-of-two"], fit=broken), Run(tmp_path))


def test_train_takes_a_device_and_refuses_one_that_is_not_here(capsys, tmp_path):
    import torch

    assert main(["train", "min-of-two", "--steps", "2", "--device", "auto", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "min-of-two.json").read_text())["device"] in ("cpu", "cuda", "mps")
    capsys.readouterr()
    code = main(["train", "min-of-two", "--device", "tpu"])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown device 'tpu'" in err and err.count("\n") == 1
    if not torch.cuda.is_available():
        assert main(["train", "min-of-two", "--device", "cuda"]) == 2


def test_table_2_in_worker_processes_trains_the_same_engines_as_in_process(tmp_path):
    entry = addition_heldout_table(Run(checkpoints=tmp_path, quick=True, progress=False))  # a pool when 2+ cores
    assert entry["members"] == 1 and [run["count"] for run in entry["runs"]] == [256, 64]
    config, budget = TABLE_2.model, TABLE_2.train
    alone = _table_2_job((config, replace(budget, steps=QUICK_STEPS, warmup_steps=5), 256, 0))[0]
    first = entry["runs"][0]
    assert first["exact_match"] == alone["exact_match"] and first["bit_accuracy"] == alone["bit_accuracy"]
    assert first["train_exact_match"] == alone["train_exact_match"] and first["weight_decay"] == 0.1
    assert [row["count"] for row in entry["rows"]] == [256, 64] and entry["rows"][0]["seeds"] == 1
