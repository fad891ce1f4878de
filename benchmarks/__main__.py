"""`python -m benchmarks [--quick]`: run every benchmark and write benchmarks/results.md."""

from .run import main

main()
