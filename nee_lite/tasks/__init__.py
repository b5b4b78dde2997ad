"""The book's models as tasks: the registry of what ``nee-lite`` trains, evaluates and
runs (``registry``, ``ancestor_tasks``, ``task``), and the reproduction of every record
(``runs``, ``experiments``, ``reproduce``). The command line (:mod:`nee_lite.cli`) and
the benchmarks use it; the chapters do not."""
