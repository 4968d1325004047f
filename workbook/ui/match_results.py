"""What a matching run shows: charts, tables and download links, built from a result.

Pure functions of a :class:`~workbook.matching.explain.MatchResult` returning escaped HTML
(the charts as inline SVG), so the matching step only places them in its widgets (and a test can
check them without a kernel).
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pandas as pd

from workbook import charts as ch
from workbook.matching import criteria
from workbook.matching.explain import MatchResult
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


def charts(result: MatchResult, group_by: str | None) -> list[str]:
    """SVG charts: score distribution, mentor load, criterion contributions, by group.

    Each is a ``<figure class="wb-chart">`` of inline SVG (:mod:`workbook.charts`): no
    matplotlib in the kernel, and text and axes follow the notebook's light or dark
    theme. The fairness chart holds two panels (match rate and mean score per group).
    """
    scores = result.matches["score"].to_numpy(dtype=float).tolist()
    figures = [ch.histogram(scores, "Match scores", "score (0-100)", "matches")]

    pools = result.scored.pools
    ids = pools.roster.frame["id"].to_numpy(dtype=object)[pools.mentors]
    load = result.matches["mentor_id"].value_counts().reindex(ids, fill_value=0).to_numpy()
    values, counts = np.unique(load, return_counts=True)
    figures.append(
        ch.columns(
            [(str(int(v)), float(c)) for v, c in zip(values, counts, strict=True)],
            "Mentor load",
            "mentees per mentor",
            "mentors",
            ch.GREEN,
        )
    )

    contrib = result.contributions.mean() if len(result.contributions) else pd.Series(dtype=float)
    labels = [criteria.label(k) for k in contrib.index]
    figures.append(
        ch.bars(
            list(zip(labels, contrib.to_numpy(dtype=float).tolist(), strict=True)),
            "What each criterion contributed",
            "mean points per match",
        )
    )
    out = [_figure(f) for f in figures]

    table = by_group(result, group_by)
    if table is not None and len(table):
        groups = [str(g) for g in table.index]
        rate = ch.bars(
            list(zip(groups, table["match_rate"].astype(float).tolist(), strict=True)),
            f"Match rate by {group_by}",
            "share of mentees matched",
            ch.BLUE,
            limit=1,
            value_format="{:.0%}",
        )
        mean = ch.bars(
            list(zip(groups, table["mean_score"].fillna(0).astype(float).tolist(), strict=True)),
            f"Mean score by {group_by}",
            "mean score of the matched",
            ch.GREEN,
            limit=100,
        )
        out.append(_figure(rate, mean))
    return out


def _figure(*plots: ch.Plot) -> str:
    return '<figure class="wb-chart">' + "".join(ch.svg(p) for p in plots) + "</figure>"


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
