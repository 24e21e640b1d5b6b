"""The known-pattern measurements run and measure what they claim (small sizes here; full sizes in make bench)."""

from __future__ import annotations

import pytest

from eval.bench_patterns import run_mode
from eval.photo_reuse import run_photo_reuse


def test_bench_finds_every_planted_duplicate_and_reports_each_size() -> None:
    rows = run_mode("embedded", [300, 600])
    assert [r["fingerprints"] for r in rows] == [300, 600]
    for r in rows:
        assert r["insert_per_s"] > 0 and r["rss_mib"] > 0
        for kind in ("invoice", "photo", "contract"):
            found, asked = r["lookup"][kind]["found"].split("/")
            assert found == asked and int(asked) > 0, (kind, r)


@pytest.mark.slow
def test_photo_reuse_small_run_is_exact() -> None:
    got = run_photo_reuse(originals=25, copies=10, fresh=10, seed=3)
    assert got["recall"] == 1.0 and got["precision"] == 1.0 and got["flags"] == 10
