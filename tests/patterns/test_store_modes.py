"""The store itself: embedded and server mode agree, seeds validate, embedders are what they claim."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest

from attest.errors import EngineFailed
from attest.patterns.embed import NgramHashEmbedder, OpenAIEmbedder, bits_vector
from attest.patterns.seeds import SeedError, Seeds
from attest.patterns.store import PatternStore
from attest.pipeline import assess_application
from attest.score import load_policy
from eval.corpus import _reshot

from .conftest import BUYER, FRAUDSTER, VICTIM, contract_doc, invoice_doc, photo_doc, server_store, shop_bytes, sub
from .test_pattern_checks import NUMBER, _contract


def _scenario(store: PatternStore) -> list[tuple[str, str, str, str]]:
    """Three merchants, each kind of reuse; returns every application check as comparable tuples."""
    photo = shop_bytes(4, "瑞丰")
    ring = _contract("建筑钢材", "438,400.00", "肆拾叁万捌仟肆佰圆整", 3, "杭州市")
    store.remember(sub(VICTIM), [invoice_doc("v-inv", number=NUMBER, seller=VICTIM),
                                 photo_doc("v-ph", photo, "瑞丰便利店"), contract_doc("v-c", ring, supplier=VICTIM)])
    fraud_docs = [invoice_doc("f-inv", number=NUMBER, seller=VICTIM),
                  photo_doc("f-ph", _reshot(photo, random.Random(2)), "瑞丰便利店"),
                  contract_doc("f-c", ring, supplier=FRAUDSTER)]
    store.remember(sub(FRAUDSTER), fraud_docs)
    out = []
    for m, docs in ((FRAUDSTER, fraud_docs), (BUYER, [invoice_doc("b", number=NUMBER, seller=VICTIM)])):
        got = assess_application(m, docs, policy=load_policy(), patterns=store, submission=sub(m))
        out += [(m.id, c.code, c.severity, c.refs[0].document) for c in got.checks]
    return sorted(out)


@pytest.mark.slow
def test_embedded_and_server_mode_give_identical_checks(store: PatternStore, chroma_server: str) -> None:
    embedded = _scenario(store)
    served = _scenario(server_store(chroma_server))
    assert embedded == served
    assert ("fraud", "dup.invoice.cross_merchant", "fail", "f-inv") in embedded
    assert ("fraud", "dup.photo.cross_merchant", "fail", "f-ph") in embedded
    assert ("fraud", "dup.contract.template_reuse", "fail", "f-c") in embedded
    assert ("buyer", "dup.invoice.cross_merchant", "info", "b") in embedded


def test_embedded_store_survives_reopening(tmp_path: Path) -> None:
    from attest.settings import PatternSettings

    settings = PatternSettings(path=tmp_path / "p")
    PatternStore.open(settings, tmp_path).remember(sub(VICTIM), [invoice_doc("a", number=NUMBER, seller=VICTIM)])
    again = PatternStore.open(settings, tmp_path)
    hits = again.find_keys([f"invoice:{NUMBER}"], exclude_application="other")
    assert [(h.merchant, h.document) for h in hits] == [("victim", "a")]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("forged_templates.yaml", "version: 1\n", "string `version`"),
    ("forged_templates.yaml", "version: v\ntemplates:\n  - {id: a, doc_kind: invoice, rationale: r}\n",
     "exactly one of `text` or `key`"),
    ("genuine_templates.yaml", "version: v\ntemplates:\n  - {id: a, doc_kind: poem, text: x, rationale: r}\n",
     "doc_kind must be"),
    ("forged_templates.yaml", "version: v\ntemplates:\n  - {id: a, doc_kind: invoice, key: k}\n", "`rationale`"),
    ("benchmarks.yaml", "version: v\nbenchmarks:\n  repair:\n    2: {monthly_revenue_low: 9, monthly_revenue_high: 5, "
     "invoice_typical_high: 1}\n", "0 < low < high"),
    ("benchmarks.yaml", "version: v\nbenchmarks:\n  repair:\n    2: {monthly_revenue_low: lots}\n", "as numbers"),
    ("benchmarks.yaml", "version: [unclosed\n", "not valid YAML"),
])
def test_bad_seed_files_are_refused_with_the_reason(tmp_path: Path, name: str, text: str, message: str,
                                                    store: PatternStore) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    before = store.stats()
    with pytest.raises(SeedError, match=message):
        store.load_seeds(Seeds(tmp_path))
    assert store.stats() == before  # nothing half-loaded


def test_packaged_seeds_load_and_the_example_forged_identity_is_not_a_real_code() -> None:
    from attest.cn.uscc import is_valid_uscc

    seeds = Seeds.packaged()
    keys = [t["key"] for t in seeds.templates() if t["key"]]
    assert keys and all(not is_valid_uscc(k.split(":", 1)[1]) for k in keys if k.startswith("uscc:"))
    assert len(seeds.benchmarks()) == 24


def test_ngram_embedder_is_deterministic_and_similar_texts_are_close() -> None:
    e = NgramHashEmbedder()
    a, b, c = e(["购销合同甲方供应建筑钢材金额肆拾万", "购销合同甲方供应建筑钢材金额肆拾伍万", "美甲店价目表洗剪吹"])
    assert np.allclose(a, NgramHashEmbedder()(["购销合同甲方供应建筑钢材金额肆拾万"])[0])
    assert float(np.dot(a, b)) > 0.8 > 0.2 > float(np.dot(a, c))
    assert np.isclose(np.linalg.norm(e([""])[0]), 1.0)  # empty text: still a valid unit vector


def test_bits_vector_turns_hamming_into_l2() -> None:
    x, y = "ffff0000ffff0000", "ffff0000ffff000f"
    vx, vy = np.array(bits_vector(x)), np.array(bits_vector(y))
    assert float(((vx - vy) ** 2).sum()) == 4 * 4


class _Embeddings(BaseHTTPRequestHandler):
    fail = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.fail or self.path != "/v1/embeddings":
            self.send_response(500)
            self.end_headers()
            return
        data = [{"index": i, "embedding": [float(len(t)), 1.0, 0.0]} for i, t in enumerate(body["input"])]
        reply = json.dumps({"data": list(reversed(data)), "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_openai_compatible_embedder_over_http(embeddings_server: HTTPServer, tmp_path: Path) -> None:
    from attest.settings import PatternSettings

    url = f"http://127.0.0.1:{embeddings_server.server_address[1]}/v1"
    e = OpenAIEmbedder(url, "test-embed")
    got = e(["ab", "abcd"])  # answered out of order: put back in input order
    assert [round(float(v[0] / np.linalg.norm(v)), 3) for v in got] == [round(2 / 5 ** 0.5, 3), round(4 / 17 ** 0.5, 3)]
    store = PatternStore.open(PatternSettings(path=tmp_path / "p", embedder="openai", embed_base_url=url,
                                              embed_model="test-embed"), tmp_path)
    assert store.stats()["attest_known_templates"] == 3
    assert "api_key" not in e.get_config()
    _Embeddings.fail = True
    try:
        with pytest.raises(EngineFailed, match="embedding endpoint"):
            e(["x"])
    finally:
        _Embeddings.fail = False


def test_an_unreachable_server_or_unusable_folder_is_a_clear_engine_error(tmp_path: Path) -> None:
    from attest.errors import EngineUnavailable
    from attest.settings import PatternSettings

    with pytest.raises(EngineUnavailable, match=r"no Chroma server at http://127\.0\.0\.1:9"):
        PatternStore.open(PatternSettings(chroma_url="http://127.0.0.1:9"), tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(EngineUnavailable, match="cannot open"):
        PatternStore.open(PatternSettings(path=blocker / "patterns"), tmp_path)


def test_a_key_held_by_many_documents_is_found_whole(store: PatternStore) -> None:
    """More postings than one read round (`_SLOTS`) still come back, each once, after re-remembering."""
    for i in range(19):
        store.remember(sub(VICTIM, f"app-{i}"), [invoice_doc(f"d{i}", number=NUMBER, seller=VICTIM)])
    store.remember(sub(VICTIM, "app-3"), [invoice_doc("d3", number=NUMBER, seller=VICTIM)])  # idempotent
    hits = store.find_keys([f"invoice:{NUMBER}"], exclude_application="app-0")
    assert sorted(h.document for h in hits) == sorted(f"d{i}" for i in range(1, 19))


def test_concurrent_writers_on_one_key_lose_no_posting(store: PatternStore) -> None:
    """Twelve applications remember the same invoice at once: every one is posted exactly once."""
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            barrier.wait()
            store.remember(sub(FRAUDSTER, f"ring-{i}"), [invoice_doc(f"r{i}", number=NUMBER, seller=VICTIM)])
        except BaseException as exc:  # the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    hits = store.find_keys([f"invoice:{NUMBER}"], exclude_application="nobody")
    assert sorted(h.application for h in hits) == sorted(f"ring-{i}" for i in range(12))
