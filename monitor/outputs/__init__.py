"""Stage 5, outputs: what users read and act on, built from values the jobs hand over.

Owns: ``export`` (CSV / Parquet writers, atomic replace), ``digest`` (the email, rendered and
sent), ``alerts`` (alert rules and deals, evaluated on analysis output), ``charts``.
May import: ``monitor.analysis`` (tiers, frames), ``monitor.config``, ``monitor.redact``,
``monitor.liveness``. Never the store, fetch or jobs: rows arrive as iterables and frames.
"""
