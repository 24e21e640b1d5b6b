"""The `attest` command as a user runs it: a real subprocess over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import SAMPLES

ATTEST = [sys.executable, "-c", "from attest.cli import app; app()"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ATTEST, *args], capture_output=True, text=True, timeout=300, check=False)


def test_check_flat_format() -> None:
    out = _run("check", "--format", "flat", str(SAMPLES / "inv18_digital_normal_transport_discount.pdf"))
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout)
    assert view["kind"] == "invoice"
    fields = view["fields"]
    assert fields["invoice_number"] == "25127000000546906425"
    assert fields["invoice_code"] is None  # absent on 数电 invoices: null, never invented
    assert [i["amount"] for i in fields["items"]] == ["812.17", "-90.87"]
    assert fields["issue_date"] == "2025-12-29"


def test_check_text_format_shows_provenance_and_checks() -> None:
    out = _run("check", str(SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png"))
    assert out.returncode == 0, out.stderr
    assert "invoice_code               033002000211" in out.stdout
    assert "lines p1-l" in out.stdout and "box [" in out.stdout
    assert "[pass] invoice.amount_words" in out.stdout


def test_bad_file_gets_a_specific_error(tmp_path: Path) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_text("not a photo")
    out = _run("check", str(bad))
    assert out.returncode == 2
    assert json.loads(out.stderr)["error"] == "input.unsupported_media_type"
