"""Benchmarks: figures to read, not tests to pass. ``make bench`` runs every ``bench_*.py`` here."""
