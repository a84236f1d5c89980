"""Benchmarks: `python -m closient_app.bench <name>`; results go to docs/benchmarks.md."""
