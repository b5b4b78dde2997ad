"""Learning to Execute: the program generator (deterministic, disjoint splits, true
targets), curricula, the model."""

import json
import random

import pytest
import torch

from nee_lite.ancestors.long_addition import from_limbs, nee_long_addition, to_limbs
from nee_lite.ancestors.lte import (
    ADDITION,
    CURRICULA,
    LTE_ADD,
    CharSeq2Seq,
    Curriculum,
    Example,
    LTEConfig,
    LTETask,
    answer_tensors,
    evaluate_examples,
    evaluate_programs,
    lstm_add,
    memorization_examples,
)
from nee_lite.ancestors.lte_programs import (
    OPERATIONS,
    VOCAB,
    generate_code,
    generate_program,
    run_program,
    sample_programs,
    split_of,
)
from nee_lite.ancestors.npi import random_pairs
from nee_lite.ancestors.npi_env import python_sum
from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path, load_model, read_card

PAPER_FIGURE_1 = (
    "j=8584\nfor x in range(8):\n    j+=920\nb=(1500+j)\nprint((b+7567))",
    25011,
)


def test_run_program_gives_the_papers_targets_and_nothing_else():
    code, target = PAPER_FIGURE_1
    assert run_program(code) == target
    # Figure 1's second program: our copy of the paper prints its target as 1218, a
    # digit short of what it prints
    assert (
        run_program("i=8827\nc=(i-5347)\nprint((c+8704) if 2641<8500 else 5308)")
        == 12184
    )
    for bad in (
        "print(open)",
        "import os\nprint(1)",
        "print(1)\nprint(2)",
        "print('7')",
    ):
        with pytest.raises((NameError, ImportError, ValueError)):
            run_program(bad)


def test_generator_is_deterministic_and_respects_its_knobs():
    first = [generate_program(random.Random(5), 4, 3) for _ in range(3)]
    again = [generate_program(random.Random(5), 4, 3) for _ in range(3)]
    assert first == again
    rng = random.Random(0)
    for _ in range(300):
        program = generate_program(rng, 3, 2)
        constants = [int(token) for token in _numbers(program.code)]
        assert all(1 <= c < 1000 for c in constants)
        assert program.code.splitlines()[-1].startswith("print(")
        assert program.answer == f"{program.target}."
    # every operation alone, and a few compositions, compute what Python computes
    for name in OPERATIONS:
        for nesting in (1, 2, 3):
            program = generate_program(rng, 2, nesting, (name,))
            assert program.target == eval_independently(program.code)
    with pytest.raises(ValueError, match="at least 1"):
        generate_code(rng, 0, 1)


def _numbers(code: str) -> list[str]:
    import re

    return re.findall(r"(?<![a-z])\d+", code.replace("range(", "range_("))


def eval_independently(code: str) -> int:
    """A second way to run a program: line by line with eval, so run_program's exec is
    checked against it."""
    names: dict = {}
    lines = code.splitlines()
    for line in lines[:-1]:
        if line.startswith("for "):
            header, body = line.split(":", 1)
            count = int(header[len("for x in range(") : -1])
            target, op, expr = body[0], body[1], body[3:]
            for _ in range(count):
                names[target] += (1 if op == "+" else -1) * eval(expr, {}, dict(names))
        else:
            target, expr = line.split("=", 1)
            names[target] = eval(expr, {}, dict(names))
    return eval(lines[-1][len("print(") : -1], {}, dict(names))


def test_splits_are_disjoint_and_cover_a_third_each():
    rng = random.Random(1)
    sets = {
        split: {p.code for p in sample_programs(rng, 400, split, lambda: (2, 2))}
        for split in ("train", "validation", "test")
    }
    assert not sets["train"] & sets["test"] and not sets["train"] & sets["validation"]
    assert all(
        split_of(code) == split for split, codes in sets.items() for code in codes
    )
    counts = [split_of(generate_code(rng, 3, 2)) for _ in range(3000)]
    assert all(
        abs(counts.count(s) / 3000 - 1 / 3) < 0.04
        for s in ("train", "validation", "test")
    )
    with pytest.raises(ValueError, match="unknown split"):
        sample_programs(rng, 1, "dev", lambda: (1, 1))


def test_addition_task_is_two_numbers_added():
    programs = LTETask(4, 1, ADDITION).programs(50, "test", seed=0)
    assert programs == LTETask(4, 1, ADDITION).programs(50, "test", seed=0)
    for p in programs:
        a, b = p.code[len("print((") : -2].split("+")
        assert p.target == int(a) + int(b) and p.split == "test"


def test_vocabulary_round_trip_and_refusal():
    code, _ = PAPER_FIGURE_1
    assert VOCAB.decode(VOCAB.encode(code.replace("    ", "") + "-25011.")).endswith(
        "-25011."
    )
    assert VOCAB.decode([VOCAB.GO, *VOCAB.encode("12."), *VOCAB.encode("99")]) == "12."
    with pytest.raises(ValueError, match="not in the programs' vocabulary"):
        VOCAB.encode("print('x')")


def test_curricula_pick_difficulties_as_the_paper_says():
    rng = random.Random(0)
    assert {Curriculum("baseline", 4, 2, rng).difficulty() for _ in range(50)} == {
        (4, 2)
    }
    assert {Curriculum("naive", 4, 2, rng).difficulty() for _ in range(50)} == {(1, 1)}
    mix = {Curriculum("mix", 4, 2, rng).difficulty() for _ in range(500)}
    assert mix == {(length, n) for length in range(1, 5) for n in (1, 2)}
    combined = Curriculum("combined", 4, 2, rng)
    share = sum(combined.difficulty() != (1, 1) for _ in range(4000)) / 4000
    assert (
        0.15 < share < 0.2
    )  # one in five is a mix sample, and 1 in 8 of those is (1, 1) again
    naive = Curriculum("naive", 2, 2, rng)
    levels = []
    for accuracy in (0.5, 0.96, 0.97, 0.2, 0.99):
        naive.update(accuracy)
        levels.append((naive.length, naive.nesting))
    assert levels == [
        (1, 1),
        (2, 1),
        (1, 2),
        (1, 2),
        (2, 2),
    ]  # length first, then nesting with length reset
    assert not naive.update(1.0) and naive.at_target()
    with pytest.raises(ValueError, match="unknown curriculum"):
        Curriculum("random", 1, 1, rng)
    assert CURRICULA == ("baseline", "naive", "mix", "combined")


def test_stalled_naive_level_steps_up():
    naive = Curriculum("naive", 3, 1, random.Random(0), patience=2)
    moves = [naive.update(accuracy) for accuracy in (0.5, 0.6, 0.55, 0.58)]
    assert (
        moves == [False, False, False, True] and naive.length == 2
    )  # 0.58 is below 0.6, two checks before


def test_model_shapes_metrics_and_input_presentation():
    torch.manual_seed(0)
    model = CharSeq2Seq(LTEConfig(hidden=16, embedding=8, reverse=True, double=True))
    assert model.present("12+3") == "3+213+21"
    decoder_input, target, keep = answer_tensors(["-12.", "5."])
    assert decoder_input[0].tolist() == [VOCAB.GO, *VOCAB.encode("-12")]
    assert keep.tolist() == [[True, True, True, True], [True, True, False, False]]
    examples = memorization_examples(20, 3, random.Random(0))
    assert all(len(e.source) == 3 and e.answer == e.source + "." for e in examples)
    score = evaluate_examples(model, examples)
    assert (
        score["examples"] == 20
        and 0 <= score["per_character"] <= 1
        and score["exact_match"] <= 1
    )
    # packing: an example's answer does not depend on what else is in the batch
    alone = model.greedy(["print((1+2))"])
    together = model.greedy(["print((1+2))", "print((12345+67890))"])
    assert alone[0] == together[0]


def test_memorization_examples_are_digit_strings():
    examples = memorization_examples(5, 7, random.Random(3))
    assert examples == memorization_examples(5, 7, random.Random(3))
    assert all(e.source.isdigit() and len(e.source) == 7 for e in examples)
    assert isinstance(examples[0], Example)


# ------------------------------------------------------------------------------ the
# shipped checkpoints, CLI
def test_shipped_addition_lstm_matches_its_card_and_collapses_beyond():
    model, card = (
        load_model(checkpoint_path("lte-add")),
        read_card(checkpoint_path("lte-add")),
    )
    task = spec = LTE_ADD.data.task
    rows = {row["length"]: row for row in card["accuracy"]}
    for digits in (spec.length, spec.length + 2):
        fresh = evaluate_programs(
            model, task, rows[digits]["programs"], card["seed"], digits, nesting=1
        )
        assert round(fresh["per_character"], 6) == rows[digits]["per_character"]
        assert round(fresh["exact_match"], 6) == rows[digits]["exact_match"]
    assert (
        rows[spec.length + 2]["exact_match"] == 0.0 < rows[spec.length]["exact_match"]
    )
    assert card["data"]["curriculum"] == "combined"


def test_cli_runs_the_lstms(tmp_path, capsys):
    pairs = [["12", "30"], ["7", "5"], ["123", "456"]]
    source = tmp_path / "pairs.json"
    source.write_text(json.dumps(pairs))
    assert main(["run", "lte-add", "--input", str(source)]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert answers == lstm_add(
        load_model(checkpoint_path("lte-add")), [tuple(p) for p in pairs]
    )
    programs = tmp_path / "programs.json"
    programs.write_text('["print((12+7))", "a=3\\nprint((a+4))"]')
    assert main(["run", "lte-programs", "--input", str(programs)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_nee_long_addition_is_exact_and_uses_the_engine():
    assert to_limbs("300", 4) == [44, 2, 0, 0] and from_limbs([44, 2, 0, 0]) == "300"
    adder = load_model(checkpoint_path("add"))
    pairs = random_pairs(5, 150, seed=4) + [("0", "0"), ("127", "1"), ("9" * 60, "1")]
    assert nee_long_addition(adder, pairs) == [python_sum(a, b) for a, b in pairs]

    # an "engine" that forgets the carry bit: the result must then be wrong
    class Broken:
        def predict(self, a, b):
            return (a + b) & 127

    assert nee_long_addition(Broken(), [("127", "1")]) != ["128"]
