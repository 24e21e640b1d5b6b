"""The `attest` command as a user runs it: a real subprocess over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES

ATTEST = [sys.executable, "-c", "from attest.cli import main; main()"]


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


def test_check_flat_format_for_every_kind() -> None:
    """Contracts, licences and shop photos print their flat fields too: the view the evaluation compares."""
    real = Path(__file__).parent / "data" / "realdocs"
    out = _run("check", "-f", "flat", str(real / "contracts" / "ct01_ev_truck_purchase_sichuan_byd_2023_scan.pdf"),
               str(real / "storefronts" / "sf01_yuxiao_menchuang_door_window_shop.png"))
    assert out.returncode == 0, out.stderr
    contract, shop = (json.loads(line) for line in out.stdout.splitlines())
    assert contract["kind"] == "contract" and contract["fields"]["party_b"] == "比亚迪汽车工业有限公司"
    assert contract["fields"]["amount"] == "274728000.80"
    assert shop["kind"] == "shop_photo" and shop["fields"]["shop_name"] == "宇啸门窗"
    assert shop["fields"]["phone"] == "13482023068"


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


def _merchant(tmp_path: Path, merchant_id: str, name: str, uscc: str) -> Path:
    path = tmp_path / f"{merchant_id}.json"
    path.write_text(json.dumps({"id": merchant_id, "name": name, "uscc": uscc, "current_limit": "50000",
                                "application_date": "2026-01-10"}, ensure_ascii=False), encoding="utf-8")
    return path


def test_assess_replay_and_the_pattern_store_across_two_merchants(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "ATTEST_DATA_DIR": str(tmp_path / "var")}
    pdf = str(SAMPLES / "inv18_digital_normal_transport_discount.pdf")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*ATTEST, *args], capture_output=True, text=True, timeout=300, check=False, env=env)

    seller = _merchant(tmp_path, "didi", "滴滴出行科技有限公司", "911201163409833307")
    out = run("assess", "--merchant", str(seller), pdf, "--trail", str(tmp_path / "didi.jsonl"))
    assert out.returncode == 0, out.stderr
    assert "policy credit-v5" in out.stdout and "dup.invoice" not in out.stdout
    replayed = run("replay", str(tmp_path / "didi.jsonl"))
    assert replayed.returncode == 0 and "identical" in replayed.stdout, replayed.stdout + replayed.stderr
    # Another business submits the same invoice as its own: it is not a party, so it fails.
    other = _merchant(tmp_path, "other", "杭州瑞丰贸易有限公司", "91330100MA27XXXX0F")
    out = run("assess", "--merchant", str(other), pdf, "--trail", str(tmp_path / "other.jsonl"))
    assert out.returncode == 0, out.stderr
    assert "fail dup.invoice.cross_merchant" in out.stdout and "uplift 0 CNY" in out.stdout
    stats = json.loads(run("patterns", "stats", "--json").stdout)
    assert stats["collections"]["attest_exact_keys"] == 4 and stats["collections"]["attest_benchmarks"] == 24
    assert run("replay", str(tmp_path / "other.jsonl")).returncode == 0  # recorded checks replay identically


def test_an_invoice_assessed_inside_a_merged_file_is_found_again_alone(tmp_path: Path) -> None:
    """`attest assess` remembers each invoice of a merged PDF under its own number, as the worker does: another
    merchant uploading one of them alone is caught. The trail's document events carry when each was read."""
    import os

    from attest.audit import load_jsonl

    from .conftest import merged_pdf

    env = {**os.environ, "ATTEST_DATA_DIR": str(tmp_path / "var")}
    originals = Path(__file__).parent / "data" / "realdocs" / "invoices" / "originals"
    alone = originals / "inv18_digital_normal_transport_discount.pdf"
    batch = tmp_path / "batch.pdf"
    batch.write_bytes(merged_pdf([originals / "inv16_shanghai_e_normal_catering.pdf", alone]))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*ATTEST, *args], capture_output=True, text=True, timeout=300, check=False, env=env)

    first = _merchant(tmp_path, "first", "杭州瑞丰贸易有限公司", "91330100MA27XXXX0F")
    out = run("assess", "--merchant", str(first), str(batch), "--trail", str(tmp_path / "first.jsonl"))
    assert out.returncode == 0, out.stderr
    trail = load_jsonl((tmp_path / "first.jsonl").read_text(encoding="utf-8"))
    read = [e for e in trail if e.type == "document.processed"]
    decided = [e for e in trail if e.type == "decision.made"]
    assert len(read) == 1 and read[0].payload["read_at"] is not None and len(read[0].payload["parts"]) == 2
    assert read[0].at.isoformat() == read[0].payload["read_at"].replace("Z", "+00:00") < decided[0].at.isoformat()
    second = _merchant(tmp_path, "second", "宁波晨光文具有限公司", "91330200MA2AXXXX1K")
    out = run("assess", "--merchant", str(second), str(alone), "--trail", str(tmp_path / "second.jsonl"))
    assert out.returncode == 0, out.stderr
    assert "fail dup.invoice.cross_merchant" in out.stdout, out.stdout


def test_check_reads_a_bank_export_as_a_statement() -> None:
    flows = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "flows"
    if not flows.is_dir():
        pytest.skip("shared/realdocs/flows not beside the checkout")
    out = _run("check", "-f", "flat", str(flows / "ccb_debit.xls"), str(flows / "wechat_records.xlsx"))
    assert out.returncode == 0, out.stderr
    bank, wechat = (json.loads(line) for line in out.stdout.splitlines())
    assert bank == {"kind": "statement", "fields": {
        "holder_name": None, "account_no": "xxxxx*********xxxx", "institution": "中国建设银行",
        "period_start": "2025-01-01", "period_end": "2025-06-20", "transactions": "6", "total_in": "0.00",
        "total_out": "703.26", "opening_balance": "2243.91", "closing_balance": "1494.65"}}
    assert wechat["fields"]["transactions"] == "27" and wechat["fields"]["total_out"] == "2904.53"


@pytest.mark.parametrize("args", [
    ["eval", "run", "/nonexistent/corpus", "--out", "/tmp/attest-cli-run"],   # no such corpus
    ["eval", "run", "/", "--out", "/tmp/attest-cli-run"],                     # a folder that is no corpus
    ["eval", "report", "/nonexistent/run"],                                   # no such run
    ["eval", "compare", "/nonexistent/a", "/nonexistent/b"],
])
def test_every_cli_failure_is_one_line_and_exit_2(args: list[str]) -> None:
    out = subprocess.run([*ATTEST, *args], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
