"""The scores the solver is given: a list overlap counted as bits in common of 64-bit
words is the float32 matrix product's count, bit for bit, whatever the number of
distinct items (one word, exactly 64 items, more than one word)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import Weights
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Overlap, score_pairs


def roster(items: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    names = [f"s{k}" for k in range(items)]
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    for j in range(12):
        offered = ";".join(
            rng.choice(names, size=int(rng.integers(1, min(items, 40) + 1)), replace=False)
        )
        langs = ";".join(rng.choice(names, size=2))
        rows.append(f"r{j},R{j},mentor,top,6,X,UTC,{offered},,,{langs},2,,,")
    for i in range(30):
        wanted = ";".join(
            rng.choice(names, size=int(rng.integers(1, min(items, 20) + 1)), replace=False)
        )
        langs = ";".join(rng.choice(names, size=2))
        rows.append(f"e{i},E{i},mentee,top,2,X,UTC,,{wanted},,{langs},,,,")
    # Every item listed once by someone, so the vocabulary has exactly ``items`` entries.
    rows.append(f"all,All,mentor,top,6,X,UTC,{';'.join(names)},,,,1,,,")
    return roster_bytes(rows)


@pytest.mark.parametrize("items", [1, 63, 64, 65, 150])
def test_bits_in_common_count_what_the_matrix_product_counts(
    items: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = design(weights=Weights(skills=2, language=1), min_score=1)
    pools = build_pools(load_roster(roster(items, items), d.matching), Settings.from_design(d))
    bits = score_pairs(pools)
    skills = bits.criteria.features["skills"]
    assert isinstance(skills, Overlap) and skills.bits is not None
    assert skills.bits[0].shape[1] == (items + 63) // 64
    a, b = np.arange(pools.n)[:, None], np.arange(pools.m)[None, :]
    for name in ("skills", "language"):
        feature = bits.criteria.features[name]
        assert isinstance(feature, Overlap)
        counted = feature.counts(a, b)
        product = feature.e @ feature.r
        assert np.array_equal(counted, product), name
        with_bits = feature.value(a, b)
        feature.bits = None  # the matrix product, as without numpy's bitwise_count
        assert np.array_equal(with_bits, feature.value(a, b)), name
    init = Overlap.__init__

    def without_bits(self: Overlap, *args: str) -> None:
        init(self, *args)  # type: ignore[arg-type]
        self.bits = None

    monkeypatch.setattr(Overlap, "__init__", without_bits)
    product_scored = score_pairs(pools)
    assert product_scored.criteria.features["skills"].bits is None  # type: ignore[attr-defined]
    for key in ("mentee", "mentor", "score"):
        assert np.array_equal(getattr(bits, key), getattr(product_scored, key)), key
