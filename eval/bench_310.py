"""`make bench` (the "310" part): a clean 5-document application (three invoices, a licence, a shop photo)
through the REST API, from its first upload and from its submit to its decision, over several applications,
with the in-process worker and with two Celery workers; printed beside the bare OCR time of the same
documents, for each OCR backend, in this one run.

Usage: python -m eval.bench_310 [--applications 5] [--backend onnxruntime:f32 --backend openvino:f32] [--no-celery]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from typing import Any

import httpx

from attest.api.accounts import add_tenant
from attest.api.auth import new_key
from attest.settings import OcrSettings, ServiceSettings, Settings
from attest.store.db import Database, database_url
from eval.bench_service import bench_tenant, serve
from eval.fault_run import throwaway_cluster

DECIDED = ("decided", "evidence_requested", "failed")
MERCHANT = ("厦门鑫源酒店管理有限公司", "915111046M859YJWUP")  # a valid USCC: the API checks it
KINDS = ("invoice", "invoice", "invoice", "business_license", "shop_photo")


def application_documents(n: int) -> list[tuple[str, bytes]]:
    """The n-th application's five documents, as an app would upload them."""
    from eval.kinds import sample

    out = []
    for k, kind in enumerate(KINDS):
        data, _ = sample(kind, 1000 + 5 * n + k)
        out.append((f"{kind}-{k}.{'jpg' if kind == 'shop_photo' else 'png'}", data))
    return out


def bare_ocr_seconds(docs: list[tuple[str, bytes]], ocr: OcrSettings) -> float:
    """rapidocr alone on each decoded picture (warm), summed: what the documents cost at the least."""
    from PIL import Image

    from attest.ocr import create_ocr_engine

    engine = create_ocr_engine(ocr)  # the process's engine for these settings, loaded once
    images = [Image.open(io.BytesIO(data)).convert("RGB") for _, data in docs]
    engine.read(images[0])
    started = time.perf_counter()
    for image in images:
        engine.read(image, orient=False)
    return time.perf_counter() - started


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def _applications(url: str, headers: dict[str, str], merchant_id: str, applications: int,
                  ocr: OcrSettings) -> dict[str, list[float]]:
    """One application at a time, as one merchant's phone would send it: create, upload five, submit, poll."""
    from_upload, from_submit, bare = [], [], []
    with httpx.Client(base_url=url, timeout=300, headers=headers) as c:
        for n in range(applications):
            docs = application_documents(n)
            app = c.post("/v1/applications", json={"merchant_id": merchant_id}).json()
            uploaded = time.perf_counter()
            r = c.post(f"/v1/applications/{app['id']}/documents",
                       files=[("files", (name, data, "application/octet-stream")) for name, data in docs])
            assert r.status_code == 202, r.text
            submitted = time.perf_counter()
            assert c.post(f"/v1/applications/{app['id']}/submit").status_code == 202
            while (status := c.get(f"/v1/applications/{app['id']}").json()["status"]) not in DECIDED:
                time.sleep(0.05)
            done = time.perf_counter()
            assert status == "decided", status
            from_upload.append(done - uploaded)
            from_submit.append(done - submitted)
            bare.append(bare_ocr_seconds(docs, ocr))
    return {"upload": from_upload, "submit": from_submit, "bare": bare}


def in_process(applications: int, ocr: OcrSettings) -> dict[str, list[float]]:
    """The API with its in-process worker (threads in the API process, each reading in a process of its own),
    served from a thread of this process."""
    data_dir = tempfile.mkdtemp(prefix="bench-310-")
    settings = Settings(data_dir=data_dir, ocr=ocr, service=ServiceSettings(rate_limit_per_minute=100_000))
    db, headers, merchant_id = bench_tenant(database_url(None, settings.data_dir), "bench-310", MERCHANT)
    server, thread, url = serve(settings, start_worker=True)
    try:
        return _applications(url, headers, merchant_id, applications, ocr)
    finally:
        server.should_exit = True
        thread.join(timeout=120)
        db.engine.dispose()


def on_celery(applications: int, ocr: OcrSettings, workers: int = 2) -> dict[str, list[float]]:
    """The multi-process topology (`make run-cluster`): API, `workers` Celery workers of one OCR thread each, a
    private Redis, PostgreSQL, a Chroma server; the five documents of an application spread over the workers."""
    env: dict[str, str] = {"ATTEST_OCR__BACKEND": ocr.backend, "ATTEST_OCR__PRECISION": ocr.precision}
    with throwaway_cluster("bench_310", workers, env) as (cluster, _, url_db, _):
        db = Database(url_db)
        headers = {"Authorization": f"Bearer {new_key(db, tenant_id=add_tenant(db, 'bench-310'), role='client')}"}
        db.engine.dispose()
        r = httpx.post(f"{cluster.api_url}/v1/merchants", headers=headers, timeout=60,
                       json={"name": MERCHANT[0], "uscc": MERCHANT[1]})
        assert r.status_code == 201, r.text
        return _applications(cluster.api_url, headers, r.json()["id"], applications, ocr)


def summary(where: str, ocr: OcrSettings, times: dict[str, list[float]]) -> dict[str, Any]:
    bare = statistics.median(times["bare"])
    return {"worker": where, "backend": f"{ocr.backend}:{ocr.precision}", "applications": len(times["submit"]),
            "submit_to_decided_p50_s": round(statistics.median(times["submit"]), 2),
            "submit_to_decided_p95_s": round(_p95(times["submit"]), 2),
            "upload_to_decided_p50_s": round(statistics.median(times["upload"]), 2),
            "upload_to_decided_p95_s": round(_p95(times["upload"]), 2),
            "bare_ocr_p50_s": round(bare, 2),
            "ratio_to_bare_ocr": round(statistics.median(times["upload"]) / bare, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=5)
    parser.add_argument("--backend", action="append",
                        help="backend:precision (default: onnxruntime:f32 and openvino:f32)")
    parser.add_argument("--no-celery", action="store_true", help="only the in-process worker")
    args = parser.parse_args()
    for choice in args.backend or ["onnxruntime:f32", "openvino:f32"]:
        backend, precision = choice.split(":")
        ocr = OcrSettings(backend=backend, precision=precision)
        print(summary("in-process", ocr, in_process(args.applications, ocr)), flush=True)
        if not args.no_celery:
            print(summary("celery x2", ocr, on_celery(args.applications, ocr)), flush=True)
    print("ratio = upload → decided ÷ the same five documents' bare OCR in this process (all threads; median over "
          "the applications); one application at a time")


if __name__ == "__main__":
    main()
