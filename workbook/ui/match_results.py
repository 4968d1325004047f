"""What a matching run shows: the results in words and row by row, charts, tables and
download links, built from a result.

:class:`ResultsView` is the results a coordinator reads: a sentence first ("63 of 64
mentees have a mentor. 1 could not be matched: ..."), the solver's details in a collapsed
"How this was computed", then every match as a row (Mentee, Mentor, Match score
(0-100), Why) with Pin and Forbid, and every unmatched mentee with "Choose a mentor"
among the mentors the rules allow them, with their scores. Scores are solved in
thousandths on a 0-100 scale (:mod:`workbook.matching.scoring`); they are shown as whole
numbers, and never changed. After a failed run :meth:`ResultsView.mark_stale` greys the
last results out, so nobody acts on them.

The other functions are pure functions of a
:class:`~workbook.matching.explain.MatchResult` returning escaped HTML (the charts as
inline SVG), so the matching step only places them in its widgets (and a test can check
them without a kernel).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w
import numpy as np
import pandas as pd

from workbook import charts as ch
from workbook.matching import criteria
from workbook.matching.equity import POOLED, equity
from workbook.matching.explain import MatchResult, computation, in_words, pinned_note, whole
from workbook.matching.robustness import CLOSE_MARGIN, NUDGE
from workbook.matching.scoring import SCALE
from workbook.matching.tradeoff import SWEEP_LIMIT, Tradeoff, sweep
from workbook.ui.base import escape

if TYPE_CHECKING:
    from workbook.ui.review import ReviewPanel

DOWNLOADS = {
    "matches.csv": "text/csv",
    "unmatched.csv": "text/csv",
    "matches.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "summary.json": "application/json",
    "groups.csv": "text/csv",
    "shortlist.csv": "text/csv",
}
TABLE_ROWS = 100


def _score_and_load(scores: list[float], load: np.ndarray) -> list[ch.Plot]:
    """The score distribution and the mentor load, from a run or from its files."""
    values, counts = np.unique(load, return_counts=True)
    return [
        ch.histogram(scores, "Match scores", "score (0-100)", "matches"),
        ch.columns(
            [(str(int(v)), float(c)) for v, c in zip(values, counts, strict=True)],
            "Mentor load",
            "mentees per mentor",
            "mentors",
            ch.GREEN,
        ),
    ]


def kept_charts(matches: pd.DataFrame, mentors: int) -> list[str]:
    """The charts a kept run's files can still draw (the score distribution and the
    mentor load; the criteria and groups need the run itself): a coordinator coming back
    sees the run's shape without running it again."""
    column = matches["score"] if "score" in matches else pd.Series(dtype=str)
    scores = pd.to_numeric(column, errors="coerce").dropna().tolist()
    per_mentor = (
        matches["mentor_id"].value_counts().to_numpy() if "mentor_id" in matches else np.zeros(0)
    )
    idle = max(0, mentors - len(per_mentor))
    load = np.concatenate([np.asarray(per_mentor, dtype=int), np.zeros(idle, dtype=int)])
    return [_figure(p) for p in _score_and_load(scores, load)]


def charts(result: MatchResult, group_by: str | None) -> list[str]:
    """SVG charts: score distribution, mentor load, criterion contributions, by group.

    Each is a ``<figure class="wb-chart">`` of inline SVG (:mod:`workbook.charts`): no
    matplotlib in the kernel, and text and axes follow the notebook's light or dark
    theme. The fairness chart holds two panels (match rate and mean score per group).
    """
    scores = result.matches["score"].to_numpy(dtype=float).tolist()
    pools = result.scored.pools
    ids = pools.roster.frame["id"].to_numpy(dtype=object)[pools.mentors]
    load = result.matches["mentor_id"].value_counts().reindex(ids, fill_value=0).to_numpy()
    figures = _score_and_load(scores, load)

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

    found = equity(result, group_by)
    if found is not None and found.groups:
        rate = ch.bars(
            [(g.group, g.match_rate) for g in found.groups],
            f"Match rate by {group_by}",
            "share of mentees matched",
            ch.BLUE,
            limit=1,
            value_format="{:.0%}",
        )
        scored = [(g.group, g.mean_score) for g in found.groups if g.mean_score is not None]
        plots = [rate]
        if scored:
            plots.append(
                ch.bars(
                    [(name, float(score)) for name, score in scored],
                    f"Mean score by {group_by}",
                    "mean score of the matched",
                    ch.GREEN,
                    limit=100,
                )
            )
        notes = [escape(w) for w in found.warnings]
        if any(g.group == POOLED for g in found.groups):
            notes.append(
                f"{POOLED}: the groups with fewer than five mentees each, counted together "
                "so that nobody's result can be picked out."
            )
        if any(g.mean_score is None for g in found.groups):
            notes.append("A mean score is drawn only for groups with five or more matched.")
        if found.hidden:
            notes.append(
                f"{found.hidden} mentee(s) in groups of fewer than five are not shown, so "
                "that nobody's result can be picked out."
            )
        # The notes go with the charts they are about (one block in the row of charts).
        out.append(_figure(*plots) + "".join(f"<p class='wb-equity-note'>{n}</p>" for n in notes))
    return out


def tradeoff_html(found: Tradeoff | None, allowed_pairs: int = 0) -> str:
    """Coverage against quality: the chart of mentees matched and of the mean and lowest
    score as the minimum score moves, the design's own minimum marked, with a sentence
    saying what it shows (or why it was not drawn)."""
    head = "<h4>Coverage against quality</h4>"
    if found is None:
        return head + (
            "<p class='wb-help wb-tradeoff-note'>Not drawn for this roster: with "
            f"{allowed_pairs:,} pairs the rules allow (more than {SWEEP_LIMIT:,} with no "
            "minimum score), solving the run again at every minimum score would take "
            "too long.</p>"
        )
    points = found.points
    mark = (found.setting, f"your minimum, {found.setting:g}")
    matched = ch.lines(
        [("mentees matched", ch.BLUE, [(p.min_score, float(p.matched)) for p in points])],
        "Mentees matched",
        "minimum score",
        "mentees matched",
        y_limit=max(found.mentees, 1),
        marker=mark,
    )
    scores = ch.lines(
        [
            ("mean score", ch.GREEN, [(p.min_score, p.mean_score) for p in points]),
            ("lowest score", ch.ORANGE, [(p.min_score, p.lowest_score) for p in points]),
        ],
        "Scores of the pairs",
        "minimum score",
        "score (0-100)",
        y_limit=100,
        marker=mark,
        value_format="{:.1f}",
    )
    here = found.at(found.setting)
    said = (
        f"At your minimum score of {found.setting:g}, {here.matched} of {found.mentees} "
        "mentees are matched"
        + (
            f", with a mean score of {whole(here.mean_score)} and a lowest of "
            f"{whole(here.lowest_score or 0)}."
            if here.mean_score is not None
            else "."
        )
    )
    return (
        head + "<p class='wb-help wb-tradeoff-note'>The run solved again at each minimum score "
        f"from 0 to {points[-1].min_score:g}: a higher minimum keeps weak pairs out and "
        f"leaves more mentees without a mentor. {escape(said)}"
        + (
            f" The {found.held} pinned or running {'pair is' if found.held == 1 else 'pairs are'}"
            " counted as matched at every minimum and left out of the mean and the lowest."
            if found.held
            else ""
        )
        + "</p>"
        + _figure(matched, scores, css="wb-chart wb-tradeoff-chart")
    )


def _figure(*plots: ch.Plot, css: str = "wb-chart") -> str:
    return f'<figure class="{css}">' + "".join(ch.svg(p) for p in plots) + "</figure>"


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


# --------------------------------------------------------------------------- row by row

_ACTIONS = {
    "pin": ("Pinned", "Pin", "thumb-tack", "Keep this pair in the next run"),
    "forbid": (
        "Forbidden",
        "Forbid",
        "ban",
        "Never pair these two; the next run finds another mentor",
    ),
}
"""A row's review buttons: taken, offered, icon, tooltip."""

PAGE = 25
"""Result rows shown at once: each row is a few widgets, and a page of them stays quick
in the browser however large the roster (Find and the page buttons reach the others)."""
CELLS = {"mentee": "220px", "mentor": "220px", "score": "110px", "why": "420px"}
STYLE = """<style>
.wb-results-view .wb-stale, .wb-stale { opacity: 0.45; }
.wb-result-row, .wb-result-head { border-bottom: 1px solid rgba(128,128,128,.3);
  align-items: center; }
.wb-result-head { font-weight: bold; }
.wb-result-row .wb-cell small { opacity: .8; }
.wb-pinned-row { background: rgba(48,84,150,.10); }
.wb-close-row { background: rgba(217,130,43,.12); }
.wb-tradeoff figure.wb-chart { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
.wb-results-words p { font-size: 1.1em; margin: .3em 0; }
.wb-stale-note { font-weight: bold; }
</style>"""
"""Inline, because ``style.css`` belongs to every step and these rules to this view."""


def close_tree(widget: w.Widget) -> None:
    """Close a widget and everything inside it (their comms go with them): rows are
    rebuilt on every page, so the old ones must not pile up in the kernel."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def why_text(reasons: str) -> str:
    """A match's reasons without the criteria that added nothing ("+0.0")."""
    parts = [p for p in reasons.split("; ") if " +0.0 (" not in p]
    return "; ".join(parts) or reasons


def _cell(html: str, key: str, flex: str = "") -> w.HTML:
    cell = w.HTML(html, layout=w.Layout(width=CELLS[key], flex=flex))
    return cell.add_class("wb-cell").add_class(f"wb-cell-{key}")


def margin_text(margin: float) -> str:
    """A pair's margin as its row says it: how far it is ahead of (or behind) the
    mentee's next best allowed mentor, or that no other mentor is allowed."""
    if margin != margin:  # NaN: no other mentor is allowed for the mentee
        return "No other mentor is allowed for this mentee."
    if abs(margin) < 0.05:
        return "Tied with the mentee's next best mentor."
    if margin > 0:
        return f"Ahead of the mentee's next best mentor by {margin:.1f} points."
    return (
        f"The mentee scores {-margin:.1f} points higher with another mentor, whose place "
        "went to other mentees."
    )


def _margin(r: object) -> str:
    """Under a row's reasons: its margin (nothing for a run without margins)."""
    margin = getattr(r, "margin", None)
    if margin is None:
        return ""
    return f"<br><small class='wb-margin'>{escape(margin_text(float(margin)))}</small>"


def close_note(result: MatchResult) -> str:
    """What the rows' margins and close calls mean, with how many close calls there are."""
    calls = result.summary.close_calls
    what = f"the mentee's next best mentor is within {CLOSE_MARGIN:g} point of it" + (
        f", or one weight {NUDGE:.0%} lower or higher would give the mentee another mentor"
        if result.summary.robustness != "margins only"
        else ""
    )
    head = (
        f"{calls} of {len(result.matches)} pairs are close calls"
        if calls != 1
        else f"1 of {len(result.matches)} pairs is a close call"
    )
    return (
        f"<p class='wb-help wb-close-summary'>{escape(head)}: a pair is one when "
        f"{escape(what)}. Under each pair's reasons, how far it is ahead of the mentee's next "
        "best mentor (the best score among the other mentors the rules allow them).</p>"
    )


def _person(name: object, person: object) -> str:
    return f"{escape(name)}<br><small>{escape(person)}</small>"


class ResultsView:
    """The results of the last run, in words and row by row, for the coordinator.

    Place :attr:`top` where the results begin and :attr:`tables` where the rows go;
    call :meth:`show` with each new result and :meth:`mark_stale` when a run fails.

    Args:
        review: the review panel that Pin, Forbid and Choose a mentor add to.
    """

    def __init__(self, review: ReviewPanel) -> None:
        self.review = review
        self.result: MatchResult | None = None
        self.stale = False
        self._start = 0
        """The first row of the page of matches shown."""
        self.sentence = w.HTML().add_class("wb-results-words")
        self.computed = w.HTML().add_class("wb-computed-table")
        self.details = w.Accordion(children=[self.computed], selected_index=None).add_class(
            "wb-computed"
        )
        self.details.set_title(0, "How this was computed")
        self.details.layout.display = "none"
        self.find = w.Text(
            description="Find",
            placeholder="a name or an ID, then Enter",
            continuous_update=False,
            layout=w.Layout(width="360px"),
        ).add_class("wb-find")
        self.find.observe(lambda _c: self._go(0), names="value")
        self.close_only = w.Checkbox(
            description="Close calls only", indent=False, layout=w.Layout(width="auto")
        ).add_class("wb-close-only")
        self.close_only.observe(lambda _c: self._go(0), names="value")
        self.close_note = w.HTML().add_class("wb-close-note")
        self.tradeoff = w.HTML().add_class("wb-tradeoff")
        self.previous_page = w.Button(description="Previous", icon="chevron-left").add_class(
            "wb-page-previous"
        )
        self.next_page = w.Button(description="Next", icon="chevron-right").add_class(
            "wb-page-next"
        )
        self.previous_page.on_click(lambda _b: self._go(self._start - PAGE))
        self.next_page.on_click(lambda _b: self._go(self._start + PAGE))
        self.where = w.HTML().add_class("wb-page-where")
        self.rows = w.VBox().add_class("wb-result-rows")
        self.unmatched_rows = w.VBox().add_class("wb-unmatched-rows")
        self.matches_box = w.VBox(
            [
                w.HTML("<h4>Matches</h4>"),
                self.close_note,
                w.HBox([self.find, self.close_only], layout=w.Layout(align_items="center")),
                self.rows,
                w.HBox([self.previous_page, self.where, self.next_page]),
            ]
        ).add_class("wb-matches-view")
        self.unmatched_box = w.VBox(
            [w.HTML("<h4>Not matched</h4>"), self.unmatched_rows]
        ).add_class("wb-unmatched-view")
        for box in (self.tradeoff, self.matches_box, self.unmatched_box):
            box.layout.display = "none"
        self._others: Sequence[w.Widget] = ()
        self.top: list[w.Widget] = [w.HTML(STYLE), self.sentence, self.details]
        """The sentence and "How this was computed": where the results begin."""
        self.tables: list[w.Widget] = [self.tradeoff, self.matches_box, self.unmatched_box]
        """Coverage against quality, then the matches and the unmatched mentees, row by row."""
        review.on_change(self._refresh)

    # ------------------------------------------------------------ what the step calls

    def show(self, result: MatchResult) -> None:
        """Show a new run's results (and no longer mark anything stale)."""
        self.result = result
        self._unstale()
        self.review.use(result)
        self.sentence.value = f"<p class='wb-results-sentence'>{escape(in_words(result))}</p>"
        self.computed.value = (
            "<table class='wb-summary-table'>"
            + "".join(
                f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                for k, v in computation(result.summary)
            )
            + "</table>"
        )
        self.details.layout.display = ""
        self.matches_box.layout.display = "" if len(result.matches) else "none"
        self.close_note.value = close_note(result)
        self.tradeoff.value = tradeoff_html(
            sweep(result.scored, result.summary.objective), len(result.scored)
        )
        self.tradeoff.layout.display = ""
        self.find.value = ""
        self.close_only.value = False
        self._go(0)
        self._show_unmatched()

    def mark_stale(self, note: str, also: Sequence[w.Widget] = ()) -> None:
        """Grey out the last results after a failed run, saying why, and disable their
        buttons: they no longer answer the settings or roster on screen.

        Args:
            note: what happened, e.g. "The last run failed; these are the results of
                the run before it."
            also: other widgets of the results (charts, downloads) to grey out too.
        """
        if self.result is None:
            return
        self.stale = True
        self._others = tuple(also)
        for widget in (*self.tables, self.details, *self._others):
            widget.add_class("wb-stale")
        self.sentence.value = (
            f"<p class='wb-status-error wb-stale-note'>{escape(note)}</p>"
            f"<p class='wb-results-sentence wb-stale'>{escape(in_words(self.result))}</p>"
        )
        self._refresh()

    def clear(self) -> None:
        """Show no results (a new roster, before its first run)."""
        self.result = None
        self._unstale()
        self.sentence.value = ""
        self.details.layout.display = "none"
        for box in self.tables:
            box.layout.display = "none"
        for rows in (self.rows, self.unmatched_rows):
            self._replace(rows, [])

    # ------------------------------------------------------------ rows

    def _unstale(self) -> None:
        self.stale = False
        for widget in (*self.tables, self.details, *self._others):
            widget.remove_class("wb-stale")
        self._others = ()

    def _refresh(self) -> None:
        """Rows again, as the review now stands (a pin made shows as pinned)."""
        if self.result is not None:
            self._go(self._start)
            self._show_unmatched()

    def _found(self) -> pd.DataFrame:
        assert self.result is not None
        matches = self.result.matches
        if self.close_only.value and "close_call" in matches:
            matches = matches[matches["close_call"].astype(bool)]
        words = self.find.value.strip().casefold()
        if not words:
            return matches
        text = (
            matches[["mentee_id", "mentee_name", "mentor_id", "mentor_name"]]
            .astype(str)
            .agg(" ".join, axis=1)
            .str.casefold()
        )
        return matches[text.str.contains(words, regex=False)]

    def _go(self, start: int) -> None:
        """Show the page of matches from row ``start`` (of those Find leaves)."""
        if self.result is None:
            return
        found = self._found()
        self._start = max(0, min(start, (len(found) - 1) // PAGE * PAGE if len(found) else 0))
        shown = found.iloc[self._start : self._start + PAGE]
        review = {(r["mentee_id"], r["mentor_id"]): r["action"] for r in self.review.rows()}
        head = w.HBox(
            [
                _cell("Mentee", "mentee"),
                _cell("Mentor", "mentor"),
                _cell("Match score (0-100)", "score"),
                _cell("Why", "why", "1 1 auto"),
            ]
        ).add_class("wb-result-head")
        rows = [head, *(self._row(r, review) for r in shown.itertuples(index=False))]
        if not len(found):
            none = (
                "No close call has that name or ID."
                if self.close_only.value
                else "No match has that name or ID."
            )
            rows.append(w.HTML(f"<p class='wb-help'>{none}</p>"))
        self._replace(self.rows, rows)
        end = self._start + len(shown)
        self.where.value = (
            f"<span class='wb-help'>Rows {self._start + 1}-{end} of {len(found)}</span>"
            if len(found)
            else ""
        )
        self.previous_page.disabled = self._start == 0
        self.next_page.disabled = end >= len(found)

    def _row(self, r: object, review: dict[tuple[str, str], str]) -> w.Widget:
        mentee, mentor = str(r.mentee_id), str(r.mentor_id)  # type: ignore[attr-defined]
        pinned = bool(r.pinned)  # type: ignore[attr-defined]
        kept = bool(getattr(r, "kept", False))
        why = why_text(str(r.reasons))  # type: ignore[attr-defined]
        mark, margin = "", _margin(r)
        if kept:
            # A running pair the run kept: its margin against other mentors does not
            # apply, the pair was not chosen this time.
            mark, margin = "<br><b class='wb-kept-mark'>Running, kept</b>", ""
        elif pinned:
            mark, margin = "<br><b class='wb-pinned-mark'>Pinned</b>", ""
            why = f"{pinned_note(float(r.score))}. {why}"  # type: ignore[attr-defined]
        action = review.get((mentee, mentor))
        pin = self._action(mentee, mentor, action, "pin")
        forbid = self._action(mentee, mentor, action, "forbid")
        if bool(getattr(r, "close_call", False)):
            mark += "<br><b class='wb-close-mark'>Close call</b>"
            because = str(getattr(r, "close_because", "") or "")
            if because:
                margin += f"<br><small class='wb-close-why'>Close call: {escape(because)}.</small>"
        score = f"<b>{whole(float(r.score))}</b>"  # type: ignore[attr-defined]
        row = w.HBox(
            [
                _cell(_person(r.mentee_name, mentee), "mentee"),  # type: ignore[attr-defined]
                _cell(_person(r.mentor_name, mentor) + mark, "mentor"),  # type: ignore[attr-defined]
                _cell(score, "score"),
                _cell(f"<span class='wb-why'>{escape(why)}</span>{margin}", "why", "1 1 auto"),
                pin,
                forbid,
            ]
        ).add_class("wb-result-row")
        if pinned:
            row.add_class("wb-pinned-row")
        if bool(getattr(r, "close_call", False)):
            row.add_class("wb-close-row")
        return row

    def _action(self, mentee: str, mentor: str, taken: str | None, action: str) -> w.Button:
        """A row's Pin or Forbid: it says when it was taken, and adds to the review."""
        done, todo, icon, tip = _ACTIONS[action]
        button = w.Button(
            description=done if taken == action else todo,
            icon=icon,
            tooltip=tip,
            disabled=self.stale or taken == action,
            layout=w.Layout(width="auto", flex="0 0 auto"),
        ).add_class(f"wb-row-{action}")
        button.on_click(lambda _b: self.review.add(mentee, mentor, action))
        return button

    def _show_unmatched(self) -> None:
        """Each unmatched mentee: why, and Choose a mentor among those the rules allow."""
        assert self.result is not None
        unmatched = self.result.unmatched
        self.unmatched_box.layout.display = "" if len(unmatched) else "none"
        words = self.find.value.strip().casefold()
        if words:
            text = (unmatched["mentee_id"] + " " + unmatched["mentee_name"]).str.casefold()
            unmatched = unmatched[text.str.contains(words, regex=False)]
        shown = unmatched.head(PAGE)
        candidates = self._candidates(list(shown["mentee_id"]))
        rows: list[w.Widget] = [self._unmatched_row(r, candidates) for r in shown.itertuples()]
        if len(unmatched) > PAGE:
            rows.append(
                w.HTML(
                    f"<p class='wb-help'>Showing {PAGE} of {len(unmatched)}; find a mentee "
                    "by name to reach the others, or download unmatched.csv.</p>"
                )
            )
        self._replace(self.unmatched_rows, rows)

    def _candidates(self, mentees: list[str]) -> dict[str, list[tuple[str, str, int]]]:
        """The mentors the rules allowed each mentee in this run, best score first:
        ``mentee id -> [(mentor id, mentor name, whole score), ...]``."""
        assert self.result is not None
        scored = self.result.scored
        pools = scored.pools
        frame = pools.roster.frame
        ids = frame["id"].astype(str).to_numpy()
        names = frame["name"].astype(str).to_numpy()
        position = {ids[k]: i for i, k in enumerate(pools.mentees)}
        out: dict[str, list[tuple[str, str, int]]] = {}
        for mentee in mentees:
            i = position.get(mentee)
            if i is None:
                out[mentee] = []
                continue
            lo, hi = np.searchsorted(scored.mentee, [i, i + 1])  # sorted by mentee
            mentors, scores = scored.mentor[lo:hi], scored.score[lo:hi] / SCALE
            order = np.lexsort((mentors, -scores))
            out[mentee] = [
                (ids[pools.mentors[j]], names[pools.mentors[j]], whole(x))
                for j, x in zip(mentors[order], scores[order], strict=True)
            ]
        return out

    def _unmatched_row(
        self, r: object, candidates: dict[str, list[tuple[str, str, int]]]
    ) -> w.Widget:
        mentee = str(r.mentee_id)  # type: ignore[attr-defined]
        allowed = candidates.get(mentee, [])
        cells: list[w.Widget] = [
            _cell(_person(r.mentee_name, mentee), "mentee"),  # type: ignore[attr-defined]
            _cell(
                f"<span class='wb-why'>{escape(r.reason)}</span>"  # type: ignore[attr-defined]
                + (
                    f"<br><small>Nearest: {escape(r.alternatives)}</small>"  # type: ignore[attr-defined]
                    if r.alternatives  # type: ignore[attr-defined]
                    else ""
                ),
                "why",
                "1 1 auto",
            ),
        ]
        if allowed:
            choose = w.Dropdown(
                description="Choose a mentor",
                options=[(f"{n} ({m}), score {x}", m) for m, n, x in allowed],
                disabled=self.stale,
                style={"description_width": "initial"},
                layout=w.Layout(width="340px"),
            ).add_class("wb-choose-mentor")
            pin = w.Button(
                description="Pin",
                icon="thumb-tack",
                tooltip="Pin the chosen mentor for the next run",
                disabled=self.stale,
                layout=w.Layout(width="auto"),
            ).add_class("wb-choose-pin")
            pin.on_click(lambda _b: self.review.add(mentee, str(choose.value), "pin"))
            cells += [choose, pin]
        else:
            cells.append(
                w.HTML("<span class='wb-help'>No mentor is allowed for them by the rules.</span>")
            )
        return w.HBox(cells).add_class("wb-unmatched-row")

    @staticmethod
    def _replace(box: w.Box, children: list[w.Widget]) -> None:
        old = list(box.children)
        box.children = children
        for child in old:
            close_tree(child)
