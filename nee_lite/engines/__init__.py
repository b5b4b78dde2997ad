"""The engines and their data, one module per chapter of part "Neural execution
engines"."""
