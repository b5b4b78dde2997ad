"""Every task's command line refuses bad input the same way: exit status 2, nothing on
stdout, one line on stderr that says what is wrong (the ``cli_refuses`` fixture)."""

import json

import pytest

TASKS = (
    "add",
    "multiply",
    "min-of-two",
    "lte-add",
    "lte-programs",
    "npi-add",
    "npi-sort",
)

# (what the input file holds, part of the message): every task reads a non-empty JSON
# array
ANY_TASK = [
    ("", "not valid JSON"),
    ("not json", "not valid JSON"),
    ("[[1, 2", "not valid JSON"),
    ("[[1, 2]", "not valid JSON"),
    ("[]", "non-empty JSON array"),
    ("{}", "non-empty JSON array"),
    ('{"a": "1"}', "non-empty JSON array"),
]
# the addition engine and the min-of-two network read pairs of numbers 0-255
BYTE_PAIRS = [
    ("[[1, 256]]", "item 0: number 256 is out of range"),
    ("[[-1, 2]]", "item 0: negative number -1"),
    ("[[-4, 2]]", "item 0: negative number -4"),
    ("[[1.5, 2]]", "item 0: 1.5 is not a number"),
    ('[["7", 2]]', "item 0: '7' is not a number"),
    ("[[true, 2]]", "item 0: True is not a number"),
    ("[[1, 2, 3]]", "item 0: expected a pair"),
    ("[[1, 2], 5]", "item 1: expected a pair"),
    ("[[1, 2], [3]]", "item 1: expected a pair"),
]
# the Learning to Execute adder and the addition NPI read pairs of decimal strings
DECIMAL_PAIRS = [
    ('[["1", "2", "3"]]', "item 0: expected a pair"),
    ('[["1", "2"], "12"]', "item 1: expected a pair"),
    ("[[1, 2]]", "item 0: expected a decimal string"),
    ('[[1, "2"]]', "item 0: expected a decimal string"),
    ('[["1", null]]', "item 0: expected a decimal string"),
    ('[["-1", "2"]]', "item 0: '-1' is not a non-negative integer"),
    *(
        (json.dumps([["1", text]]), f"item 0: {text!r} is not a non-negative integer")
        for text in ("-2", "", " 2", "2x", "1.5")
    ),
]
# the sorting NPI reads arrays of digits
DIGIT_ARRAYS = [
    ("[1, 2, 3]", "item 0: expected a non-empty array"),
    ("[[1, 2], []]", "item 1: expected a non-empty array"),
    ("[[1, 10]]", "item 0, position 1: 10 is not an integer 0-9"),
    *(
        (f"[[{text}]]", f"item 0, position 0: {shown} is not an integer 0-9")
        for text, shown in (
            ("-1", "-1"),
            ("1.5", "1.5"),
            ('"3"', "'3'"),
            ("true", "True"),
        )
    ),
    (
        "[" + json.dumps([1] * 101) + "]",
        "item 0: 101 numbers is more than the limit of 100",
    ),
]
ONE_TASK = [
    (
        "add",
        "[[200, 100]]",
        "item 0: 200 + 100 = 300 is out of range: the 8-bit add model only gives "
        "results from 0",
    ),
    (
        "multiply",
        "[[100, 100]]",
        "item 0: 100 * 100 = 10000 is out of range: the 12-bit multiply model "
        "only gives",
    ),
    ("multiply", "[[4096, 1]]", "item 0: number 4096 is out of range"),
    (
        "multiply",
        '[[2, "inf"]]',
        'item 0: "inf" cannot be multiplied; use integers from 0 to 4095',
    ),
    ("multiply", '[["7", 2]]', "item 0: '7' is not a number"),
    ("lte-programs", '["print(1)", 7]', "item 1: expected the text of a program"),
    (
        "lte-programs",
        "[\"print('x')\"]",
        "item 0: character \"'\" is not in the programs' vocabulary",
    ),
    ("lte-programs", '[""]', "item 0: expected the text of a program"),
    ("lte-programs", "{}", "non-empty JSON array of program texts"),
]
CASES = [
    *((task, content, message) for task in TASKS for content, message in ANY_TASK),
    *((task, *case) for task in ("add", "min-of-two") for case in BYTE_PAIRS),
    *((task, *case) for task in ("lte-add", "npi-add") for case in DECIMAL_PAIRS),
    *(("npi-sort", *case) for case in DIGIT_ARRAYS),
    *ONE_TASK,
]


@pytest.mark.parametrize("task, content, message", CASES)
def test_bad_input_is_one_line_and_exit_2(cli_refuses, task, content, message):
    cli_refuses(["run", task], message, content)
