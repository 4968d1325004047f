"""What a matching run shows: charts, tables and download links, built from a result.

Pure functions of a :class:`~workbook.explain.MatchResult` returning PNG bytes or
escaped HTML, so the matching step only places them in its widgets (and a test can
check them without a kernel).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbook.criteria import LABELS
from workbook.explain import MatchResult
from workbook.ui.base import escape

DOWNLOADS = {
    "matches.csv": "text/csv",
    "unmatched.csv": "text/csv",
    "matches.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "summary.json": "application/json",
    "groups.csv": "text/csv",
    "shortlist.csv": "text/csv",
}
TABLE_ROWS = 100


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def charts(result: MatchResult, group_by: str | None) -> list[bytes]:
    """PNG charts: score distribution, mentor load, criterion contributions, by group.

    Drawn with matplotlib's object API (no pyplot state), so they render the same in
    JupyterLab, Voila and a headless run.
    """
    from matplotlib.figure import Figure

    out = []
    scores = result.matches["score"].to_numpy(dtype=float)
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    ax.hist(scores, bins=20, range=(0, 100), color="#305496")
    ax.set(title="Match scores", xlabel="score (0-100)", ylabel="matches")
    out.append(_png(fig))

    pools = result.scored.pools
    ids = pools.roster.frame["id"].to_numpy(dtype=object)[pools.mentors]
    load = result.matches["mentor_id"].value_counts().reindex(ids, fill_value=0).to_numpy()
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    values, counts = np.unique(load, return_counts=True)
    ax.bar(values, counts, color="#548235")
    ax.set(title="Mentor load", xlabel="mentees per mentor", ylabel="mentors")
    out.append(_png(fig))

    contrib = result.contributions.mean() if len(result.contributions) else pd.Series(dtype=float)
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    labels = [LABELS.get(k, k.removeprefix("extra:")) for k in contrib.index]
    ax.barh(labels, contrib.to_numpy(), color="#c55a11")
    ax.set(title="What each criterion contributed", xlabel="mean points per match")
    out.append(_png(fig))

    table = by_group(result, group_by)
    if table is not None and len(table):
        fig = Figure(figsize=(8.4, 3.0))
        left, right = fig.subplots(1, 2)
        left.barh(table.index.astype(str), table["match_rate"], color="#305496")
        left.set(title=f"Match rate by {group_by}", xlim=(0, 1))
        right.barh(table.index.astype(str), table["mean_score"], color="#548235")
        right.set(title=f"Mean score by {group_by}", xlim=(0, 100))
        right.set_yticklabels([])
        out.append(_png(fig))
    return out


def by_group(result: MatchResult, column: str | None, top: int = 15) -> pd.DataFrame | None:
    """Match rate and mean score per value of a roster column, to spot unfair outcomes."""
    pools = result.scored.pools
    frame = pools.roster.frame
    if not column or column not in frame.columns:
        return None
    mentees = frame.iloc[pools.mentees][["id", column]].rename(columns={column: "group"})
    scores = result.matches.set_index("mentee_id")["score"]
    mentees["score"] = mentees["id"].map(scores)
    mentees["group"] = mentees["group"].replace("", "(blank)")
    grouped = mentees.groupby("group")
    table = pd.DataFrame(
        {
            "mentees": grouped.size(),
            "match_rate": grouped["score"].apply(lambda s: s.notna().mean()),
            "mean_score": grouped["score"].mean(),
        }
    )
    return table.sort_values("mentees", ascending=False).head(top)


def table_html(frame: pd.DataFrame, css: str, rows: int = TABLE_ROWS) -> str:
    """An escaped HTML table of the first rows, saying how many more there are."""
    shown = frame.head(rows)
    note = (
        f"<p class='wb-help'>Showing {len(shown)} of {len(frame)}; download the files for all.</p>"
        if len(frame) > rows
        else ""
    )
    return f"<div class='{css}'>" + shown.to_html(index=False, escape=True) + note + "</div>"


def download_link(path: Path) -> str:
    """A link that downloads the file itself (works in Voila without a file server)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = DOWNLOADS.get(path.name, "application/octet-stream")
    return (
        f'<a class="wb-download wb-download-{escape(path.stem)}-{escape(path.suffix[1:])}" '
        f'download="{escape(path.name)}" href="data:{mime};base64,{data}">{escape(path.name)}</a>'
    )
