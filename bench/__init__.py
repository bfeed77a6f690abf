"""Benchmarks: our code beside the raw library, in one run, reported as ratios."""
