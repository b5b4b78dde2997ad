"""What the book measures itself against and what it measured: the paper's numbers, the
results file, the scorecard."""
