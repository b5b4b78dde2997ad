"""NPI bubble sort: the teacher sorts (checked against ``sorted``), the batched
scratchpad is the single one, the shipped NPI sorts closed loop, and ``nee-lite run
npi-sort`` refuses bad input in one line with exit code 2."""

import json
import random

import torch

from nee_lite.ancestors import npi_multi
from nee_lite.ancestors import npi_sort_env as S
from nee_lite.ancestors.npi import TraceBatch
from nee_lite.ancestors.npi_multi import add_programs, max_table, train_new_programs
from nee_lite.ancestors.npi_sort import (
    NPI_SORT,
    ProgramNPI,
    SortExecution,
    execute_sort,
    score_sorts,
    sort_calls,
    sort_table,
)
from nee_lite.cli.main import main
from nee_lite.tasks.registry import TASKS, shipped_checkpoint


def _arrays():
    rng = random.Random(18)
    arrays = [[d] for d in range(10)] + [[a, b] for a in range(10) for b in range(10)]
    arrays += [
        [rng.randrange(10) for _ in range(rng.randint(3, 25))] for _ in range(400)
    ]
    arrays += [
        [rng.choice((4, 7)) for _ in range(rng.randint(3, 12))] for _ in range(100)
    ]  # many duplicates
    return arrays


def test_teacher_sorts_like_python():
    for array in _arrays():
        teacher = S.sort_trace(array)
        assert teacher.pad.cells == sorted(array), array
        assert (
            teacher.calls[0].program == S.BUBBLESORT
            and teacher.calls[0].decisions[-1].returns
        )


def test_teacher_max_points_at_the_maximum():
    for array in _arrays()[:200]:
        assert S.sort_trace(array, S.MAX).pad.value(0) == max(array)


def test_trace_grows_quadratically_and_starts_as_the_paper():
    first = S.sort_trace([3, 1, 2])
    assert [S.describe_sort(d) for d in first.calls[1].decisions[:2]] == [
        "MOVE_PTR(P2, RIGHT)",
        "BSTEP()",
    ]
    assert [S.SORT_PROGRAMS[call.program] for call in first.calls[:5]] == [
        "BUBBLESORT",
        "BUBBLE",
        "BSTEP",
        "COMPSWAP",
        "RSHIFT",
    ]
    ten, twenty = (len(S.sort_trace(S.random_arrays(1, n)[0]).steps) for n in (10, 20))
    assert 3.5 < twenty / ten < 4.5


def test_batch_pad_replays_the_teacher():
    """The teacher's primitive decisions, replayed on the batched scratchpad, give the
    same observations."""
    arrays = [[5, 2, 9, 2], [1], [3, 3], [9, 8, 7, 6, 5, 4, 3]]
    for array in arrays:
        teacher = S.sort_trace(array)
        pad = S.BatchSortPad([array])
        for _, _, observation, decision in teacher.steps:
            assert tuple(pad.observe()[0].tolist()) == observation
            if not decision.returns and decision.program in S.SORT_PRIMITIVES:
                pad.act(
                    torch.tensor([True]),
                    torch.tensor([decision.program]),
                    torch.tensor([max(decision.row, 0)]),
                    torch.tensor([max(decision.value, 0)]),
                )
        assert pad.results() == [sorted(array)]


def test_trace_batch_has_every_decision():
    model = ProgramNPI(NPI_SORT.model)
    batch = sort_calls(model, [[2, 1], [4]])
    assert isinstance(batch, TraceBatch)
    assert int(batch.keep.sum()) == sum(
        len(S.sort_trace(a).steps) for a in ([2, 1], [4])
    )


def test_scores_are_per_element_and_exact():
    score = score_sorts([[1, 2, 3], [2, 1]], [[3, 2, 1], [1, 2]])
    assert score == {"arrays": 2, "per_element": 3 / 5, "exact_match": 0.5}


def test_shipped_npi_sorts_closed_loop_beyond_training():
    model = TASKS["npi-sort"].load(shipped_checkpoint("npi-sort"))
    torch.set_num_threads(1)
    arrays = [[7], [2, 1], [1, 2], [5, 5, 5]] + S.random_arrays(20, 24, seed=5)
    execution = execute_sort(model, arrays)
    assert all(execution.finished) and execution.results == [sorted(a) for a in arrays]
    assert sort_table(model, ((12, 10),))[0]["exact_match"] == 1.0


def test_new_program_with_frozen_core_changes_nothing_old():
    torch.manual_seed(0)
    model = ProgramNPI(NPI_SORT.model)
    bigger = add_programs(model, ("MAX",))
    old = len(model.program_names)
    before = {name: value.clone() for name, value in bigger.state_dict().items()}
    train_new_programs(
        bigger,
        old,
        S.random_arrays(5, (2, 4)),
        NPI_SORT.train.__class__(steps=3, batch_size=8),
    )
    for name, value in bigger.state_dict().items():
        if name in ("program_embedding.weight", "program_keys"):
            assert torch.equal(value[:old], before[name][:old]) and not torch.equal(
                value[old:], before[name][old:]
            )
        else:
            assert torch.equal(value, before[name]), name


def test_new_program_starts_from_the_named_old_embedding_with_a_fresh_key():
    torch.manual_seed(0)
    model = ProgramNPI(NPI_SORT.model)
    old = len(model.program_names)
    bubblesort = model.program_embedding.weight[model.program_names.index("BUBBLESORT")]
    started = add_programs(model, ("MAX",))
    assert torch.equal(started.program_embedding.weight[old], bubblesort)
    assert not any(
        torch.allclose(started.program_keys[old], key) for key in model.program_keys
    )
    assert not torch.equal(
        add_programs(model, ("MAX",), start=None).program_embedding.weight[old],
        bubblesort,
    )


def test_max_is_exact_only_with_the_teachers_array(monkeypatch):
    """A MAX that points at the maximum without running BUBBLE (the array left as it
    was) is not exact."""

    def pointing_only(model, arrays, program):
        return SortExecution(
            [list(a) for a in arrays],
            [True] * len(arrays),
            1,
            [max(a) for a in arrays],
            [],
        )

    monkeypatch.setattr(npi_multi, "execute_sort", pointing_only)
    row = max_table(None, ((8, 20),))[0]
    assert row["answer"] == 1.0 and row["exact_match"] < 0.2


def test_run_npi_sort_prints_sorted_arrays(tmp_path, capsys):
    source = tmp_path / "input.json"
    source.write_text("[[3, 1, 2], [9], [0, 0, 1, 0]]")
    assert main(["run", "npi-sort", "--input", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == [[1, 2, 3], [9], [0, 0, 0, 1]]


def test_reproduce_has_an_npi_sort_entry(tmp_path):
    from nee_lite.results.store import read_results

    assert (
        main(
            [
                "reproduce",
                "--quick",
                "--device",
                "cpu",
                "--tasks",
                "npi-sort",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    entry = read_results(tmp_path / "results.json")["entries"]["npi-sort"]
    assert entry["status"] == "measured" and [row["size"] for row in entry["rows"]] == [
        4,
        8,
        16,
    ]
    assert (tmp_path / "reproduced" / "npi-sort.pt").is_file()
