"""Stage 1, fetch: polite HTTP (User-Agent, robots.txt, per-host delay, retries, bot walls),
walking a source's pages, and the public market-data APIs.

Owns: ``http`` (the polite client), ``watchdog`` (one thread for every request's deadline),
``crawl`` (pages of one source through its scraper), ``workers`` (what a parse worker process
runs: scrapers only), ``market`` (BTC/USD and hashprice series, fetched and parsed).
May import: ``scrapers``, ``monitor.config``, ``monitor.redact``. Never the store, the
normaliser, analysis, outputs or jobs.
"""
