"""/healthz (the process answers), /readyz (it can do its work: database, broker, OCR, pattern store) and
/metrics (Prometheus text)."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from attest.api.problems import COMMON_RESPONSES, Problem
from attest.api.state import AppState, StateDep, bearer
from attest.ops.metrics import registry_with_queue

router = APIRouter(tags=["operations"])
WORKER_KEY = "attest:worker:"  # Celery workers announce themselves (and their OCR engine) under this prefix


def _timed(check: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **(detail or {})}
    except Exception as exc:  # readiness reports any failure as "not ready", with what failed
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database(state: AppState) -> None:
    with state.db.session() as s:
        s.execute(text("SELECT 1"))


def _broker_workers(state: AppState) -> dict[str, Any]:
    with state.broker.connection_for_write() as conn:
        client = conn.default_channel.client
        client.ping()
        workers = [json.loads(client.get(k) or "{}") for k in client.scan_iter(f"{WORKER_KEY}*", count=100)]
    if not workers:
        raise RuntimeError("no Celery worker has announced itself in the last minute")
    return {"workers": len(workers), "ocr": sorted({w.get("ocr", "?") for w in workers})}


def _ocr(state: AppState) -> dict[str, Any]:
    if state.worker is None:
        raise RuntimeError("this process runs no worker")
    return {"engine": state.worker.ocr_version()}


def _patterns(state: AppState) -> dict[str, Any]:
    if state.pattern_probe is None:
        raise RuntimeError("this process was given no pattern store to probe")
    state.pattern_probe()
    return {"mode": "server" if state.settings.patterns.chroma_url else "embedded"}


@router.get("/healthz", summary="Liveness: the process answers", operation_id="getHealth")
def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/readyz", summary="Readiness: database, broker and workers (Celery), OCR, pattern store",
            responses={503: {"description": "Something this service needs is not available; the body says what"}},
            operation_id="getReadiness")
async def readyz(state: StateDep) -> JSONResponse:
    def run() -> dict[str, dict[str, Any]]:
        checks = {"database": _timed(lambda: _database(state))}
        if state.broker is not None:
            checks["broker"] = _timed(lambda: _broker_workers(state))
        elif state.worker is not None:
            checks["ocr"] = _timed(lambda: _ocr(state))
        if state.pattern_probe is not None:
            checks["patterns"] = _timed(lambda: _patterns(state))
        return checks

    checks = await run_in_threadpool(run)
    ready = all(c["ok"] for c in checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                        status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics of this process and the job queue's depth, for a scraper "
            "holding the metrics token", operation_id="getMetrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}},
                       401: COMMON_RESPONSES[401]})
async def metrics(state: StateDep, request: Request,
                  _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
    authorization = request.headers.get("authorization")
    token = state.settings.service.metrics_token
    if token is None:  # no caller of the public API is the scraper: the metrics have a port of their own
        raise Problem(401, "metrics-not-served", "metrics are not served on the public API",
                      "set service.metrics_port for a listener of their own, or service.metrics_token")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise Problem(401, "metrics-token", "the metrics token is missing or wrong",
                      "send Authorization: Bearer <service.metrics_token>")
    body = await run_in_threadpool(generate_latest, registry_with_queue(state.db))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
