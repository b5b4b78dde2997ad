"""Every task's command line refuses bad input the same way: exit status 2, nothing on
stdout, one line on stderr that says what is wrong (the ``cli_refuses`` fixture)."""

import json

import pytest


@pytest.mark.parametrize(
    "task, content, message",
    [
        # the arithmetic engines
        (
            "add",
            "[[200, 100]]",
            "item 0: 200 + 100 = 300 is out of range: the 8-bit add model only gives "
            "results from 0",
        ),
        ("add", "[[1, 256]]", "item 0: number 256 is out of range"),
        ("add", "[[-1, 2]]", "item 0: negative number -1"),
        ("add", "[[1.5, 2]]", "item 0: 1.5 is not a number"),
        ("add", "[[1, 2, 3]]", "item 0: expected a pair"),
        ("add", "[[1, 2], 5]", "item 1: expected a pair"),
        ("add", "[]", "non-empty JSON array"),
        ("add", "{}", "non-empty JSON array"),
        ("add", "[[1, 2]", "not valid JSON"),
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
        # the min-of-two network
        ("min-of-two", "not json", "not valid JSON"),
        ("min-of-two", "{}", "non-empty JSON array"),
        ("min-of-two", "[]", "non-empty JSON array"),
        ("min-of-two", "[[1, 2, 3]]", "item 0: expected a pair"),
        ("min-of-two", "[[1, 2], [3]]", "item 1: expected a pair"),
        ("min-of-two", "[[1, 256]]", "item 0: number 256 is out of range"),
        ("min-of-two", "[[-4, 2]]", "item 0: negative number -4"),
        ("min-of-two", "[[1.5, 2]]", "item 0: 1.5 is not a number"),
        ("min-of-two", '[["7", 2]]', "item 0: '7' is not a number"),
        ("min-of-two", "[[true, 2]]", "item 0: True is not a number"),
        # the Learning to Execute LSTMs
        ("lte-add", '[["1", "-2"]]', "item 0: '-2' is not a non-negative integer"),
        ("lte-add", "[[1, 2]]", "item 0: expected a decimal string"),
        ("lte-add", '[["1", "2", "3"]]', "item 0: expected a pair"),
        ("lte-programs", '["print(1)", 7]', "item 1: expected the text of a program"),
        (
            "lte-programs",
            "[\"print('x')\"]",
            "item 0: character \"'\" is not in the programs' vocabulary",
        ),
        ("lte-programs", '[""]', "item 0: expected the text of a program"),
        ("lte-programs", "{}", "non-empty JSON array of program texts"),
        # the addition NPI
        ("npi-add", "[]", "non-empty JSON array"),
        ("npi-add", '{"a": "1"}', "non-empty JSON array"),
        ("npi-add", '[["1", "2", "3"]]', "item 0: expected a pair"),
        ("npi-add", '[["1", "2"], "12"]', "item 1: expected a pair"),
        ("npi-add", '[[1, "2"]]', "item 0: expected a decimal string"),
        ("npi-add", '[["-1", "2"]]', "item 0: '-1' is not a non-negative integer"),
        ("npi-add", '[["1", ""]]', "item 0: '' is not"),
        ("npi-add", '[["1", " 2"]]', "item 0: ' 2' is not"),
        ("npi-add", '[["1", "2x"]]', "item 0: '2x' is not"),
        ("npi-add", '[["1", "1.5"]]', "item 0: '1.5' is not"),
        ("npi-add", '[["1", null]]', "item 0: expected a decimal string"),
        # the sorting NPI
        ("npi-sort", "", "not valid JSON"),
        ("npi-sort", "[[1, 2", "not valid JSON"),
        ("npi-sort", "{}", "non-empty JSON array"),
        ("npi-sort", "[]", "non-empty JSON array"),
        ("npi-sort", "[1, 2, 3]", "item 0: expected a non-empty array"),
        ("npi-sort", "[[1, 2], []]", "item 1: expected a non-empty array"),
        ("npi-sort", "[[1, 10]]", "item 0, position 1: 10 is not an integer 0-9"),
        ("npi-sort", "[[-1]]", "item 0, position 0: -1 is not an integer 0-9"),
        ("npi-sort", "[[1.5]]", "item 0, position 0: 1.5 is not an integer 0-9"),
        ("npi-sort", '[["3"]]', "item 0, position 0: '3' is not an integer 0-9"),
        ("npi-sort", "[[true]]", "item 0, position 0: True is not an integer 0-9"),
        (
            "npi-sort",
            "[" + json.dumps([1] * 101) + "]",
            "item 0: 101 numbers is more than the limit of 100",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli_refuses, task, content, message):
    cli_refuses(["run", task], message, content)
