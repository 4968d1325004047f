"""Pairs already running, in the Voila app driven in Debian's chromium: the running
program's matches.csv is uploaded beside the previous cohort's, the run keeps the pairs
still allowed, and the results say how many and list the pair that had to end, with why."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import EXAMPLE, choose_file
from playwright.sync_api import expect

from workbook import store
from workbook.matching import match

pytestmark = pytest.mark.browser


def test_running_pairs_are_kept_and_the_one_that_ended_is_listed(  # type: ignore[no-untyped-def]
    browse, tmp_path: Path
) -> None:
    # The running program: the example matched as it stands.
    first = match(store.load(EXAMPLE / "design.yaml").design, EXAMPLE / "roster.csv")
    running = tmp_path / "matches.csv"
    first.matches[["mentee_id", "mentee_name", "mentor_id", "mentor_name"]].to_csv(
        running, index=False
    )
    # Since then, one mentee's mentor has become their manager.
    mentee, mentor = first.matches.iloc[0][["mentee_id", "mentor_id"]]
    roster = browse.app.roster
    rows = list(csv.DictReader(io.StringIO(roster.read_text("utf-8"))))
    for row in rows:
        if row["id"] == mentee:
            row["manager_id"] = mentor
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    roster.write_text(out.getvalue(), "utf-8")

    page = browse.open("05_matching.ipynb")
    chosen = "s => s.selectedIndex >= 0 ? s.options[s.selectedIndex].value : ''"
    assert page.eval_on_selector(".wb-keep-pick select", chosen) == (
        "None: match every mentee afresh"
    )
    choose_file(page, ".wb-keep-upload", running)
    status = page.locator(".wb-keep-status")
    expect(status).to_contain_text("matches.csv kept as running-pairs.csv")
    expect(status).to_contain_text(f"keeps its {len(first.matches)} running pairs")
    expect(page.locator(".wb-keep-pick select")).to_contain_text("running-pairs.csv of ")
    page.click(".wb-run")
    page.wait_for_selector(".wb-run-status >> text=Matched", timeout=60_000)
    total = len(first.matches)
    expect(page.locator(".wb-results-words")).to_contain_text(
        f"{total - 1} running pairs were kept. 1 running pair could not be kept"
    )
    box = page.locator(".wb-running-box")
    expect(box).to_contain_text(f"{total - 1} of {total} running pairs kept as they are")
    ended = page.locator(".wb-running-ended tbody tr")
    expect(ended).to_have_count(1)
    expect(ended).to_contain_text(mentee)
    expect(ended).to_contain_text("the mentor is now in the mentee's reporting line")
    with page.expect_download() as info:
        page.click(".wb-download-running_pairs-csv")
    text = Path(info.value.path()).read_text("utf-8-sig")
    kept = [r for r in csv.DictReader(io.StringIO(text)) if r["kept"] == "yes"]
    assert len(kept) == total - 1
    assert (browse.app.workdir / "running-pairs.csv").read_bytes() == running.read_bytes()
    browse.assert_no_traceback()
