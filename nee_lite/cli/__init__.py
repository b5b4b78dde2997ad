"""The `nee-lite` command: the task registry, JSON input, `reproduce`, and the argument
parser (`main`)."""
