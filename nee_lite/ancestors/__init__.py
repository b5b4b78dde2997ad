"""Part "Where it started": Learning to Execute and the Neural
Programmer-Interpreter.
"""
