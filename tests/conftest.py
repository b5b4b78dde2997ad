"""Settings for the unit tests (the chapters run in their own kernels and set theirs
with nee_lite.core.device.tune_cpu).

One torch thread and denormals flushed, from the first test on, as
``tune_cpu(threads=1)`` does for the chapters and the ``nee-lite`` command: the book's
models are tiny, and two threads on a 2-core machine that another process keeps busy are
several times slower. Measured: ``tests/test_seq2seq.py`` alone took 44-60 s with
torch's default two threads, 8.5-8.8 s with one. Before, the thread count a test ran
with depended on whether an earlier test had happened to call ``tune_cpu``.
"""

import json

import pytest
import torch

from nee_lite.cli.main import main

torch.set_num_threads(1)
torch.set_flush_denormal(True)


@pytest.fixture
def cli_refuses(tmp_path, capsys):
    """Check that ``nee-lite argv`` is refused as the command-line tool promises: exit
    status 2, nothing on stdout, one line on stderr that starts ``nee-lite: error:`` and
    holds ``message``. Given ``content``, it is written to a file passed as ``--input``
    after argv."""

    def check(argv, message, content=None):
        if content is not None:
            source = tmp_path / "cli_input.json"
            source.write_text(content)
            argv = [*argv, "--input", str(source)]
        code = main(argv)
        out, err = capsys.readouterr()
        assert (
            code == 2
            and out == ""
            and err.count("\n") == 1
            and err.startswith("nee-lite: error:")
            and message in err
        ), err

    return check


@pytest.fixture
def cli_output(tmp_path, capsys):
    """Run ``nee-lite argv --input <file holding content>``, check it succeeds, and
    return the JSON it printed."""

    def run(argv, content):
        source = tmp_path / "cli_input.json"
        source.write_text(content)
        assert main([*argv, "--input", str(source)]) == 0
        return json.loads(capsys.readouterr().out)

    return run
