"""Store, version, query and publish what `scraper` produces."""
