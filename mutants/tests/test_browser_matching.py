"""The matching step in the Voila app, driven in Debian's chromium: upload, run, download."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_upload_run_and_download(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("05_matching.ipynb")
    with page.expect_file_chooser() as chooser:
        page.click(".wb-upload")
    chooser.value.set_files(str(browse.app.roster))
    # Checked, then kept in the program's folder (the same roster: nothing to keep aside).
    page.wait_for_selector(".wb-upload-status >> text=checked and kept as roster.csv")
    # The roster is named as the program's folder holds it, never by its server path.
    expect(page.locator(".wb-roster-pick select")).to_contain_text("roster.csv of ")
    assert str(browse.app.workdir) not in page.inner_text("body")
    page.click(".wb-run")
    page.wait_for_selector(".wb-run-status >> text=Matched 64 of 64 mentees", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.wb-charts figure.wb-chart').length === 4")
    # inline SVG, each with a title: three charts and the two panels of the fairness chart
    expect(page.locator(".wb-charts figure.wb-chart svg[role=img] > title")).to_have_count(5)
    expect(page.locator(".wb-page-where")).to_contain_text("of 64")  # rows, 25 a page
    with page.expect_download() as info:
        page.click(".wb-download-matches-csv")
    download = info.value
    assert download.suggested_filename == "matches.csv"
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 64 and rows[0]["reasons"].startswith(("skills", "mentee's preference"))
    assert (browse.app.workdir / "output" / "matches.xlsx").exists()
    browse.assert_no_traceback()


def test_refused_roster_is_reported_in_the_page(browse) -> None:  # type: ignore[no-untyped-def]
    browse.app.roster.write_text("id,name,role,manager_id\na,A,boss,\na,B,mentee,\n")
    page = browse.open("05_matching.ipynb")
    page.click(".wb-run")
    status = page.wait_for_selector(".wb-run-status >> text=nothing was written")
    assert "unknown role" in status.inner_text() or "unknown role" in page.inner_text(
        ".wb-run-status"
    )
    assert not (browse.app.workdir / "output").exists()
    browse.assert_no_traceback()


def test_a_bad_upload_is_explained_and_the_roster_kept(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("05_matching.ipynb")
    before = browse.app.roster.read_bytes()

    def upload(name: str, data: bytes) -> None:
        with page.expect_file_chooser() as chooser:
            page.click(".wb-upload")
        chooser.value.set_files({"name": name, "mimeType": "text/csv", "buffer": data})

    upload("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 200)  # binary, renamed .csv
    status = page.locator(".wb-upload-status")
    expect(status).to_contain_text("photo.csv was not used; the roster on file is unchanged.")
    expect(status).to_contain_text("photo.csv: is not a table: it is a binary file")
    browse.assert_no_traceback()
    # Over the page's limit (10 MB) and over tornado's default websocket limit (10 MiB),
    # which the app raises so that the upload is refused in words, not by a dropped page.
    upload("everyone.csv", b"id,name\n" + b"x" * 12_000_000)
    expect(status).to_contain_text("everyone.csv: is 12.0 MB; the page takes rosters up to 10.0 MB")
    expect(status).to_contain_text("remove the columns the matching does not use")
    expect(status).not_to_contain_text("OUTDIR")
    assert browse.app.roster.read_bytes() == before
    assert not (browse.app.workdir / "roster.history").exists()
    browse.assert_no_traceback()
