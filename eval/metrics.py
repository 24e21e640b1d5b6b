"""Metrics of a run against its corpus labels: classification, fields, checks, applications, latency."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from attest.kinds import kinds as registry
from eval.compare import norm
from eval.realdocs import JUDGED, FileScore, field_hits, summarise

# Label vocabularies of corpora → attest's document kinds (each kind's row names its labels).
KIND_OF_LABEL = {label: row.name for row in registry().values() for label in row.eval.labels}
PROVISIONAL_RISK = ("how well the checks alone separate the fraudulent: an application's count of `fail` checks on "
                    "its documents plus 0.1 per `warn` (the decision itself is the policy's: see the uplift section)")


def _flat_pairs(fields: dict[str, Any], keys: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
    """Fields with a table's rows spread out as `items.N.key`, each name after `prefix`."""
    out = {f"{prefix}{k}": v for k, v in fields.items() if k != "items"}
    for i, item in enumerate(fields.get("items") or []):
        for key in keys:
            out[f"{prefix}items.{i}.{key}"] = item.get(key)
    return out


def _field_name(key: str) -> str:
    """`items.3.qty` and `contract.items.0.qty` pool by column: `items.qty`, `contract.items.qty`."""
    parts = key.split(".")
    if "items" in parts and len(parts) == parts.index("items") + 3:
        n = parts.index("items")
        return ".".join(parts[: n + 1] + parts[n + 2:])
    return key


def field_scores(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Per field: precision, recall, F1 over (predicted, labelled) documents, each a flat dict (tables spread
    out by `_flat_pairs`); items pooled by column.

    A value where the label says null is a false positive (the system invented it); a wrong value is both a
    false positive and a false negative.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for got, want in pairs:
        for key in set(got) | set(want):
            name = _field_name(key)
            gv, wv = norm(key.split(".")[-1], got.get(key)), norm(key.split(".")[-1], want.get(key))
            if gv is not None and gv == wv:
                tp[name] += 1
            else:
                fp[name] += gv is not None
                fn[name] += wv is not None
    out = {}
    for name in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 1.0
        r = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 1.0
        out[name] = {"precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "support": tp[name] + fn[name]}
    return out


def roc(scores: list[float], labels: list[bool]) -> dict[str, Any]:
    """ROC points, AUC (Mann–Whitney) and the recall reached at ≤ 1% false positives."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return {"auc": None, "recall_at_1pct_fpr": None, "points": []}
    auc = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))
    points, best = [], 0.0
    for t in [*sorted(set(scores), reverse=True), float("-inf")]:
        tpr = sum(s >= t for s in pos) / len(pos)
        fpr = sum(s >= t for s in neg) / len(neg)
        points.append((fpr, tpr))
        if fpr <= 0.01:
            best = max(best, tpr)
    return {"auc": round(auc, 4), "recall_at_1pct_fpr": round(best, 4), "points": points}


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    q = statistics.quantiles(values, n=20, method="inclusive") if len(values) > 1 else [values[0]] * 19
    return {"p50": round(statistics.median(values), 4), "p95": round(q[18], 4), "n": len(values)}


def compute(run_dir: Path) -> dict[str, Any]:
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    corpus = record["corpus"]
    kinds: list[tuple[str, str]] = []
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    missing_fields: Counter[str] = Counter()
    check_pos: Counter[str] = Counter()
    check_pred: Counter[str] = Counter()
    check_tp: Counter[str] = Counter()
    flags_on_tampered: Counter[str] = Counter()
    fails_on_genuine: Counter[str] = Counter()
    stage_times: defaultdict[str, list[float]] = defaultdict(list)
    apps: list[tuple[float, bool, str | None]] = []
    walls = []
    llm: Counter[str] = Counter()
    llm_errors: Counter[str] = Counter()
    llm_latency: list[float] = []
    judged: list[FileScore] = []
    for m in corpus["merchants"]:
        risk = 0.0
        app_checks = _application_checks(run_dir, m["id"])
        for n, doc in enumerate(m["documents"]):
            res = json.loads((run_dir / "docs" / f"{m['id']}/{n}.json").read_text(encoding="utf-8"))
            # Application-level checks (cross-document, known patterns) count on the documents they name.
            res["checks"] = list(res["checks"]) + [
                {"code": c["code"], "severity": c["severity"], "fields": [r["field"] for r in c["refs"]
                                                                         if r["document"] == res.get("document_id")]}
                for c in app_checks if any(r["document"] == res.get("document_id") for r in c["refs"][:1])]
            walls.append(res.get("wall_s", 0.0))
            for call in (res.get("llm") or {}).get("calls", []):
                llm.update(calls=1, attempts=call["attempts"], input_tokens=call["input_tokens"],
                           output_tokens=call["output_tokens"])
                llm_latency.append(call["latency_ms"] / 1000)
                llm_errors.update([call["error_code"]] if call["error_code"] else [])
            llm.update(dropped=len((res.get("llm") or {}).get("dropped", [])),
                       disagreements=len((res.get("llm") or {}).get("disagreements", [])))
            truth_kind = KIND_OF_LABEL.get(doc["doc_type"], "other")
            kinds.append((truth_kind, res["kind"]))
            if corpus.get("kind") == "labelled-folder" and truth_kind in JUDGED:
                judged.append(FileScore(file=doc["file"], kind=truth_kind, got_kind=res["kind"],
                                        hits=field_hits(truth_kind, res.get("fields") or {}, doc["fields"])))
            if truth_kind == "invoice":
                flat = registry()["invoice"].flat
                pairs.append((_flat_pairs(res.get("fields") or {}, flat.items),
                              _flat_pairs(doc["fields"], flat.items)))
                missing_fields.update(k for k in doc["fields"] if k not in flat.fields)
            elif doc["fields"]:
                # Other kinds' fields are scored under their kind's name: a licence's `name` is not an
                # invoice field, and the two must not pool.
                got = res.get("fields") or {}
                columns = registry()[truth_kind].flat.items if truth_kind in registry() else ()
                pairs.append((_flat_pairs(got, columns, f"{truth_kind}."),
                              _flat_pairs(doc["fields"], columns, f"{truth_kind}.")))
            fails = {(c["code"], f) for c in res["checks"] if c["severity"] == "fail" for f in c["fields"] or [""]}
            codes = {c for c, _ in fails}
            risk += len([c for c in res["checks"] if c["severity"] == "fail"])
            risk += 0.1 * len([c for c in res["checks"] if c["severity"] == "warn"])
            check_pred.update(codes)
            expected = doc.get("expected_fail")
            if expected:
                flags_on_tampered.update(codes)
                check_pos[expected["code"]] += 1
                # A field of None: the check names OCR lines rather than a field, any of its refs will do.
                if (expected["code"], expected["field"]) in fails or (
                        expected["field"] is None and expected["code"] in codes):
                    check_tp[expected["code"]] += 1
            elif m.get("fraud") is None:
                fails_on_genuine.update(codes)
            for stage, seconds in (res.get("timings") or {}).items():
                stage_times[stage].append(seconds)
        apps.append((risk, m.get("fraud") is not None, m.get("fraud")))
    labels = sorted({k for pair in kinds for k in pair})
    confusion = [[sum(1 for t, p in kinds if t == a and p == b) for b in labels] for a in labels]
    checks = {}
    for code in sorted(set(check_pos) | set(check_pred)):
        pred, pos, tp = check_pred[code], check_pos[code], check_tp[code]
        # A flag is right when it lands on a tampered document (a forged amount also breaks its line's tax);
        # recall asks for the expected check naming the expected field.
        checks[code] = {"precision": round(flags_on_tampered[code] / pred, 4) if pred else None,
                        "recall": round(tp / pos, 4) if pos else None,
                        "expected": pos, "flagged": pred, "fails_on_genuine_docs": fails_on_genuine[code]}
    by_kind: defaultdict[str, list[bool]] = defaultdict(list)
    for risk, _, fraud in apps:
        if fraud:
            by_kind[fraud].append(risk >= 1.0)
    genuine_flagged = [risk >= 1.0 for risk, is_fraud, _ in apps if not is_fraud]
    application = {
        "merchants": len(apps), "fraudulent": sum(1 for _, f, _ in apps if f),
        "risk_definition": PROVISIONAL_RISK,
        **roc([r for r, _, _ in apps], [f for _, f, _ in apps]),
        "caught_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
        "genuine_with_any_fail": round(sum(genuine_flagged) / len(genuine_flagged), 4) if genuine_flagged else None,
    }
    uplift = _uplift_quality(corpus, run_dir)
    if corpus.get("kind") == "labelled-folder":
        application = {"available": False, "reason": "a labelled folder has documents, not applications"}
    total_wall = record.get("wall_s") or 0.0
    return {
        "corpus": {"kind": corpus.get("kind"), "seed": corpus.get("seed"), "merchants": len(corpus["merchants"]),
                   "documents": len(kinds)},
        "extractor": record["extractor"],
        "llm": {**dict(llm), "errors": dict(llm_errors), "latency_s": _percentiles(llm_latency)} if llm["calls"]
        else None,
        "classification": {"accuracy": round(sum(t == p for t, p in kinds) / len(kinds), 4) if kinds else None,
                           "labels": labels, "confusion": confusion},
        "fields": field_scores(pairs),
        "field_macro_f1": _macro_f1(field_scores(pairs)),
        "label_fields_not_produced": sorted(missing_fields),
        # Labelled real documents: the judged fields per kind, scored as the real-document gate scores them.
        "real_documents": {"per_kind": summarise(judged),
                           "misses": {s.file: [k for k, ok in s.hits.items() if not ok] for s in judged
                                      if not all(s.hits.values())}} if judged else None,
        "checks": checks,
        "application": application,
        "uplift": uplift,
        "latency_s": {stage: _percentiles(v) for stage, v in sorted(stage_times.items())},
        "throughput": {"documents_per_minute_per_worker": round(60 / statistics.mean(walls), 1) if walls else None,
                       "wall_s_this_run": total_wall, "workers": record.get("workers")},
    }


def _application_checks(run_dir: Path, merchant: str) -> list[dict[str, Any]]:
    path = run_dir / "applications" / f"{merchant}.json"
    if not path.exists():
        return []
    checks: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8")).get("checks", [])
    return checks


def spearman(x: list[float], y: list[float]) -> float | None:
    """Rank correlation with average ranks for ties."""
    if len(x) < 3:
        return None

    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        out = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return round(cov / var, 4) if var else None


def _uplift_quality(corpus: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    folder = run_dir / "applications"
    if corpus.get("kind") != "attest-synthetic-corpus" or not folder.exists():
        return {"available": False, "reason": "uplifts are computed for synthetic applications only"}
    genuine: list[tuple[float, float]] = []
    fraud_uplifted: list[bool] = []
    uplifted_by_kind: defaultdict[str, list[bool]] = defaultdict(list)
    genuine_auto: list[bool] = []
    outcomes: Counter[str] = Counter()
    replay_ok: list[bool] = []
    points = []
    for m in corpus["merchants"]:
        app = json.loads((folder / f"{m['id']}.json").read_text(encoding="utf-8"))
        uplift = float(app["decision"]["uplift"])
        outcomes[app["decision"]["outcome"]] += 1
        replay_ok.append(app["replay_identical"])
        points.append((float(m["monthly_revenue"]), uplift, m["fraud"] is not None))
        if m["fraud"] is None:
            genuine.append((float(m["monthly_revenue"]), uplift))
            genuine_auto.append(app["decision"]["outcome"] == "auto_approve")
        else:
            fraud_uplifted.append(uplift > 0)
            uplifted_by_kind[m["fraud"]].append(uplift > 0)
    return {
        "available": True,
        "spearman_uplift_vs_true_revenue_genuine": spearman([g[0] for g in genuine], [g[1] for g in genuine]),
        "fraudulent_given_any_uplift": round(sum(fraud_uplifted) / len(fraud_uplifted), 4) if fraud_uplifted else None,
        "genuine_given_uplift": round(sum(u > 0 for _, u in genuine) / len(genuine), 4) if genuine else None,
        "genuine_auto_approved": round(sum(genuine_auto) / len(genuine_auto), 4) if genuine_auto else None,
        "fraudulent_given_any_uplift_by_kind": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(uplifted_by_kind.items())},
        "outcomes": dict(sorted(outcomes.items())),
        "replay_identical": round(sum(replay_ok) / len(replay_ok), 4) if replay_ok else None,
        "points": points,
    }


def _macro_f1(fields: dict[str, dict[str, float]]) -> float | None:
    if not fields:
        return None
    return round(statistics.fmean(f["f1"] for f in fields.values()), 4)
