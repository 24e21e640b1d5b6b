"""`make bench` (patterns part): the known-pattern store at 1k, 10k and 100k fingerprints, embedded and server.

For each mode the same stream of synthetic fingerprints is inserted in batches (80 % invoices: invoice key +
file key; 15 % shop photos: seven crop hashes; 5 % contracts: masked text), and at each size it measures:
insert rate over the last step, p50/p95 latency of a duplicate lookup for one document of each kind (exact
invoice and file keys; photo shortlist by Hamming distance; contract text candidates), and resident memory of the
process holding the index (this one when embedded, the `chroma run` server otherwise).
Photo registration (ORB + homography on the shortlist) is not in these numbers: it costs the same at any
size (about 25 ms per shortlisted photo, see docs/measurements.md).
Usage: python -m eval.bench_patterns [--sizes 1000,10000,100000] [--modes embedded,server]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from attest.patterns.keys import document_keys
from attest.patterns.seeds import Seeds
from attest.patterns.store import PatternStore, Submission, client_from, embedder_from
from attest.schemas.document import Classification, DocumentResult
from attest.schemas.evidence import Field, InvoiceEvidence
from attest.schemas.fingerprint import Fingerprint
from attest.settings import PatternSettings

BATCH = 500
GOODS = ["建筑钢材", "办公家具", "技术服务", "电解铜", "服装面料", "食用油", "包装纸箱", "五金配件"]


def _f(value: str) -> Field[str]:
    return Field(value=value, confidence=1.0)


def _document(i: int, rng: random.Random) -> DocumentResult:
    base: dict[str, Any] = {"document_id": f"{rng.getrandbits(256):064x}", "filename": "x", "media_type": "image/png",
                            "pages": 1, "ocr": []}
    r = rng.random()
    if r < 0.80:
        ev = InvoiceEvidence(invoice_number=_f(f"{rng.randrange(10**20):020d}"), seller_tax_id=_f("91330100MA27XXXX0F"),
                             buyer_tax_id=_f("91510100MA61XXXX24"))
        return DocumentResult(**base, classification=Classification(kind="invoice", confidence=1), invoice=ev)
    if r < 0.95:
        hashes = [f"{rng.getrandbits(64):016x}" for _ in range(7)]
        return DocumentResult(**base, classification=Classification(kind="shop_photo", confidence=1),
                              fingerprint=Fingerprint(image_hashes=hashes))
    text = (f"购销合同合同编号:HT-2026-{rng.randrange(10000):04d}甲方:〈甲〉乙方:〈乙〉第一条标的:乙方向甲方供应"
            f"{rng.choice(GOODS)}。第二条合同金额:¥{rng.randrange(10**4, 10**7):,}.00。第四条合同期限:自2026年"
            f"{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日起一年。")
    return DocumentResult(**base, classification=Classification(kind="contract", confidence=1),
                          fingerprint=Fingerprint(text=text))


def _flip(h: str, rng: random.Random, bits: int) -> str:
    v = int(h, 16)
    for b in rng.sample(range(64), bits):
        v ^= 1 << b
    return f"{v:016x}"


def _lookups(store: PatternStore, docs: list[DocumentResult], rng: random.Random, n: int) -> dict[str, Any]:
    inv = [d for d in docs if d.invoice is not None]
    photos = [d for d in docs if d.fingerprint is not None and d.fingerprint.image_hashes]
    texts = [d for d in docs if d.fingerprint is not None and d.fingerprint.text]
    out: dict[str, Any] = {}
    for kind, pool in (("invoice", inv), ("photo", photos), ("contract", texts)):
        times, found = [], 0
        for d in rng.sample(pool, min(n, len(pool))):
            started = time.perf_counter()
            if kind == "invoice":
                hits = store.find_keys(document_keys(d), exclude_application="query")  # invoice + file key
            elif kind == "photo":
                assert d.fingerprint is not None
                hashes = [_flip(h, rng, 3) for h in d.fingerprint.image_hashes]  # a near copy, not the same
                hits = store.photo_candidates(hashes, exclude_application="query", limit=8, max_bits=22)
            else:
                assert d.fingerprint is not None and d.fingerprint.text is not None
                hits = store.text_candidates(d.fingerprint.text, exclude_application="query", limit=5)
            times.append((time.perf_counter() - started) * 1000)
            found += any(h.document == d.document_id for h in hits)
        times.sort()
        out[kind] = {"p50_ms": round(statistics.median(times), 2),
                     "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2), "found": f"{found}/{len(times)}"}
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("chroma") or str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "chroma")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def run_mode(mode: str, sizes: list[int], seed: int = 7) -> list[dict[str, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-patterns-{mode}-"))
    server = None
    if mode == "server":
        server, url = _start_server(tmp / "server")
        settings = PatternSettings(chroma_url=url)
        holder = psutil.Process(server.pid)
    else:
        settings = PatternSettings(path=tmp / "embedded")
        holder = psutil.Process()
    try:
        client = client_from(settings, tmp)
        PatternStore.drop_all(client)
        store = PatternStore(client, embedder_from(settings))
        store.load_seeds(Seeds.packaged())
        rng, qrng = random.Random(seed), random.Random(seed + 1)
        docs: list[DocumentResult] = []
        rows = []
        for size in sizes:
            started = time.perf_counter()
            added = size - len(docs)
            while len(docs) < size:
                batch = [_document(len(docs) + k, rng) for k in range(min(BATCH, size - len(docs)))]
                n = len(docs) // BATCH
                store.remember(Submission(merchant=f"m{n}", merchant_uscc="91330100MA27XXXX0F", merchant_name="x",
                                          application=f"a{n}", submitted_at="2026-11-28"), batch)
                docs += batch
            elapsed = time.perf_counter() - started
            rows.append({"mode": mode, "fingerprints": size, "insert_per_s": round(added / elapsed, 1),
                         "rss_mib": round(holder.memory_info().rss / 2**20, 1), "records": sum(store.stats().values()),
                         "lookup": _lookups(store, docs, qrng, 200)})
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        return rows
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--modes", default="embedded,server")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = [r for mode in args.modes.split(",") for r in run_mode(mode, sizes)]
    print(f"\n{'mode':<9} {'size':>7} {'insert/s':>9} {'RSS MiB':>8} "
          + " ".join(f"{k + ' p50/p95 ms':>22}" for k in ("invoice", "photo", "contract")))
    for r in rows:
        cells = " ".join(f"{str(r['lookup'][k]['p50_ms']) + ' / ' + str(r['lookup'][k]['p95_ms']):>22}"
                         for k in ("invoice", "photo", "contract"))
        print(f"{r['mode']:<9} {r['fingerprints']:>7} {r['insert_per_s']:>9} {r['rss_mib']:>8} {cells}")
    for mode in args.modes.split(","):
        mine = [r for r in rows if r["mode"] == mode]
        if len(mine) >= 2:
            growth = mine[-1]["fingerprints"] / mine[0]["fingerprints"]
            for k in ("invoice", "photo", "contract"):
                ratio = mine[-1]["lookup"][k]["p95_ms"] / max(mine[0]["lookup"][k]["p95_ms"], 1e-3)
                print(f"{mode}: {k} p95 grew {ratio:.2f}x for {growth:.0f}x the fingerprints")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench_patterns.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
