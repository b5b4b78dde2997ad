"""The pieces every engine is built from: numbers as bits, the bitwise embedding,
attention and blocks, the training loop and recipes, devices, and checkpoints with their
cards."""
