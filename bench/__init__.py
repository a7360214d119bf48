"""Benchmarks for `make bench`: figures and ratios against plain DuckDB, never assertions."""
