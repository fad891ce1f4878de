"""dagbok's benchmarks: parse, dates, crawl and scale, each side by side with what a user would pick instead.

    python -m benchmarks [--quick]        # every benchmark, tables on stdout, figures in benchmarks/results.md

One module per benchmark (`bench_parse`, `bench_dates`, `bench_crawl`, `bench_scale`);
each has `run(quick) -> dict`, `table(results) -> str` and `main()`.
"""
