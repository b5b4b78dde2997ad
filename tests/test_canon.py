"""NPI canonicalization: the renderer is deterministic and its views differ, the planner
reaches the canonical view from every start pose by the shorter way, the shipped NPI
(seeing only images) brings unseen cars to the canonical view, and ``nee-lite run
npi-canon`` refuses bad input in one line with exit code 2."""

import json

import numpy as np
import pytest
import torch

from nee_lite.ancestors import canon_env as env
from nee_lite.ancestors.canon_render import (
    AZIMUTHS,
    CANONICAL,
    ELEVATIONS,
    SIZE,
    model_views,
    render,
)
from nee_lite.ancestors.npi_canon import (
    TEST_MODELS,
    VALIDATION_MODELS,
    CanonSeq2Seq,
    all_items,
    canon_pool,
    execute_canon,
    training_models,
)
from nee_lite.ancestors.npi_sort import ProgramNPI
from nee_lite.cli.main import main
from nee_lite.tasks.registry import TASKS, shipped_checkpoint


def test_render_shape_range_and_determinism():
    image = render(7, 3, 2)
    assert image.shape == (SIZE, SIZE) and 0 <= image.min() and image.max() <= 1
    assert np.array_equal(image, render(7, 3, 2))
    views = model_views(7)
    assert views.shape == (AZIMUTHS, len(ELEVATIONS), SIZE, SIZE)
    assert views.dtype == np.uint8 and views.max() > 100 and views[0, 0, 0, 0] == 0


def test_every_view_differs_and_the_car_is_asymmetric():
    views = model_views(11).reshape(AZIMUTHS * len(ELEVATIONS), -1).astype(int)
    distance = np.abs(views[:, None] - views[None]).sum(-1)
    assert (distance + np.eye(len(views), dtype=int) * 10**9).min() > 0
    for a in range(1, AZIMUTHS // 2):  # a view and its mirror-image azimuth
        assert not np.array_equal(model_views(11)[a], model_views(11)[AZIMUTHS - a])
    front, back = model_views(11)[0, 1], model_views(11)[AZIMUTHS // 2, 1]
    assert np.abs(front.astype(int) - back).mean() > 2
    assert not np.array_equal(model_views(11), model_views(12))  # models differ
    with pytest.raises(ValueError, match="non-negative"):
        model_views(-1)


@pytest.mark.parametrize("pose", env.POSES)
def test_planner_reaches_the_canonical_pose_the_shorter_way(pose):
    teacher = env.canon_trace(3, pose)
    assert teacher.pad.pose == CANONICAL
    a, e = pose
    moves = env.planned_moves(pose)
    assert len(moves) == min(a, AZIMUTHS - a) + abs(e - CANONICAL[1])
    assert [c.program for c in teacher.calls[:2]] == [env.GOTO, env.HGOTO]
    assert all(len(o) == SIZE * SIZE for o in teacher.calls[0].observations)


def test_batch_pad_replays_the_planner():
    items = [(4, pose) for pose in env.POSES]
    pad = env.BatchCanonPad(items)
    for _ in range(14):
        moves = [env.planned_moves(p) for p in pad.poses()]
        value = torch.tensor([m[0] if m else -1 for m in moves])
        mask = torch.tensor([bool(m) for m in moves])
        pad.act(mask, torch.full_like(value, env.ACT), torch.zeros_like(value), value)
    assert pad.canonical() == [True] * len(items)
    seen = pad.observe()[0].reshape(SIZE, SIZE).numpy()
    assert np.array_equal(seen, model_views(4)[CANONICAL])


def test_pool_observations_point_at_the_images_of_their_model():
    model = ProgramNPI(TASKS["npi-canon"].recipe.model)
    pool, views = canon_pool(model, [21, 22])
    assert views.shape == (144, SIZE * SIZE)
    first = pool.observations[: len(pool.programs) // 2]
    assert int(first.max()) < 72 and int(pool.observations.max()) >= 72
    assert bool((pool.returns.sum(1) == 1).all())  # every call returns once


def test_test_models_are_never_trained_or_validated_on():
    trained = {m for seed in range(10) for m in training_models(64, seed)}
    assert not trained & set(TEST_MODELS) and not set(VALIDATION_MODELS) & set(
        TEST_MODELS
    )
    assert len(TEST_MODELS) == 20


def test_shipped_npi_brings_unseen_cars_to_the_canonical_view():
    torch.set_num_threads(1)
    model = TASKS["npi-canon"].load(shipped_checkpoint("npi-canon"))
    run = execute_canon(model, all_items(TEST_MODELS[:3]))
    assert sum(run.successes()) / len(run.successes()) >= 0.95


def test_seq2seq_baseline_decodes_at_most_the_move_limit():
    torch.manual_seed(0)
    moves = CanonSeq2Seq().decode(torch.tensor(model_views(3)[:2, 0]))
    assert len(moves) == 2 and all(len(m) <= 21 for m in moves)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "not valid JSON"),
        ('[{"model": 1', "not valid JSON"),
        ("{}", "non-empty JSON array"),
        ("[]", "non-empty JSON array"),
        ('[{"model": 1, "azimuth": 0}]', "item 0: expected an object"),
        ('[{"model": -1, "azimuth": 0, "elevation": 0}]', "model -1 is negative"),
        ('[{"model": 1, "azimuth": 10, "elevation": 0}]', "azimuth 10 is off"),
        ('[{"model": 1, "azimuth": 360, "elevation": 0}]', "azimuth 360 is off"),
        ('[{"model": 1, "azimuth": 0, "elevation": 45}]', "elevation 45 is off"),
        ('[{"model": 1.5, "azimuth": 0, "elevation": 0}]', "is not an integer"),
        ('[{"model": true, "azimuth": 0, "elevation": 0}]', "is not an integer"),
    ],
)
def test_bad_canon_input_is_one_line_and_exit_2(cli_refuses, content, message):
    cli_refuses(["run", "npi-canon"], message, content)


def test_run_npi_canon_prints_traces_and_final_poses(tmp_path, capsys):
    source = tmp_path / "input.json"
    source.write_text(
        json.dumps(
            [
                {"model": TEST_MODELS[0], "azimuth": 45, "elevation": 0},
                {"model": TEST_MODELS[1], "azimuth": 0, "elevation": 15},
            ]
        )
    )
    assert main(["run", "npi-canon", "--input", str(source)]) == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["trace"][0] == "GOTO: HGOTO()" and "ACT(LEFT)" in first["trace"][2]
    assert first["trace"][-1] == "GOTO: RETURN"
    assert (first["azimuth"], first["elevation"]) == (0, 15) and first["canonical"]
    assert second["canonical"] and not any("ACT" in s for s in second["trace"])
