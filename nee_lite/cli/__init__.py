"""The `nee-lite` command: the argument parser (`main`) and JSON input (`inputs`),
over the tasks of :mod:`nee_lite.tasks`."""
