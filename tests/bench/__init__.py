"""Benchmarks: `make bench` (python -m tests.bench [name ...]) runs every tests/bench/bench_*.py module's main()."""
