"""Reading ahead: the writer gets every batch in order, the reader's error, and a stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pyarrow as pa
import pytest

from monitor.outputs.export import prefetched


def numbered(n: int, closed: list[bool], fail_at: int | None = None) -> Iterator[pa.RecordBatch]:
    try:
        for i in range(n):
            if i == fail_at:
                raise OSError("disk I/O error")
            yield pa.record_batch({"i": [i]})
    finally:
        closed.append(threading.current_thread().name == "export-read-ahead")


def test_every_batch_in_order_and_the_source_closed_in_the_reader() -> None:
    closed: list[bool] = []
    got = [b.column("i")[0].as_py() for b in prefetched(numbered(50, closed))]
    assert got == list(range(50))
    assert closed == [True]


def test_the_readers_error_is_raised_to_the_writer_after_the_batches_before_it() -> None:
    closed: list[bool] = []
    got: list[int] = []

    def write_all() -> None:
        got.extend(b.column("i")[0].as_py() for b in prefetched(numbered(10, closed, fail_at=6)))

    with pytest.raises(OSError, match="disk I/O error"):
        write_all()
    assert got == [0, 1, 2, 3, 4, 5]
    assert closed == [True]


def test_a_writer_that_stops_stops_the_reader() -> None:
    closed: list[bool] = []
    batches = prefetched(numbered(10_000, closed), depth=2)
    assert next(batches).column("i")[0].as_py() == 0
    batches.close()  # the writer failed: the reader must not go on reading the table
    assert closed == [True]
    assert not any(t.name == "export-read-ahead" for t in threading.enumerate())
