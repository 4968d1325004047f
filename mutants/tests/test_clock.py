"""One clock for every timestamp written into a file, pinned by SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook import clock, store
from workbook.errors import InputError


def test_source_date_epoch_pins_now_and_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert clock.now() == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert clock.today() == dt.date(2026, 1, 1)


def test_without_source_date_epoch_now_is_the_current_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert before <= clock.now() <= dt.datetime.now(dt.UTC)
    assert clock.now().microsecond == 0


def test_a_bad_source_date_epoch_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError) as info:
        clock.now()
    problem = info.value.problems[0]
    assert problem.field == "SOURCE_DATE_EPOCH"
    assert "yesterday" in str(problem.value)


def test_saves_are_byte_identical_under_a_pinned_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = store.create(tmp_path / "a.yaml", "Pilot")
    second = store.create(tmp_path / "b.yaml", "Pilot")
    assert first.design.updated == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()
    assert second.fingerprint == first.fingerprint


def test_timestamps_read_in_utc_to_the_minute() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    assert clock.utc_text(dt.datetime(2026, 11, 23, 11, 15, 42, tzinfo=paris)) == (
        "2026-11-23 10:15 UTC"
    )
    assert clock.utc_text(dt.datetime(2026, 11, 23, 10, 15)) == "2026-11-23 10:15 UTC"
    assert clock.utc_text(None) == ""
