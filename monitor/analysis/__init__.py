"""Stage 4, analysis: pure functions on pandas DataFrames. Frames in, frames and records out.

Owns: ``indexes`` ($/TH indexes per model and efficiency tier), ``drops`` (sustained drops,
the market-explained share, events that line up), ``events`` (the policy-event catalog).
May import: pandas, numpy, ``monitor.normalise`` facts. Never the store, fetch, outputs or
jobs; no database, no network, no clock, writes nothing (reading the event catalog's files is
its only I/O).
"""
