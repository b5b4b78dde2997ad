"""Chapters "Dijkstra" and "Prim": graphs, the classical answers, and the algorithms
composed from the engines."""
