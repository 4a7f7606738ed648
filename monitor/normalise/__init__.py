"""Stage 2, normalise: a scraped listing becomes a comparable record.

Owns: ``catalog`` and ``lexicon`` (the facts in ``data/``, validated on load), ``titles`` (a
title -> model, hashrate, power, quantity, condition), ``offers`` (a broker's price list -> one
offer per line), ``fx`` (a price -> USD at the day's ECB rate) and ``record`` (the one shape
of a normalised listing and its JSON schema).
May import: ``scrapers`` (RawListing, the money parser). Never fetch, the store, analysis,
outputs or jobs; no network, no database.
"""
