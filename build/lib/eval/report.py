"""One self-contained HTML report (plots embedded as PNG) plus `metrics.json`, and `compare` of two runs."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from eval.metrics import compute


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _plots(metrics: dict[str, Any], run_dir: Path) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots = {}
    cls = metrics["classification"]
    if cls["labels"]:
        fig, ax = plt.subplots(figsize=(4, 3.4))
        ax.imshow(cls["confusion"], cmap="Blues")
        ax.set_xticks(range(len(cls["labels"])), cls["labels"], rotation=30)
        ax.set_yticks(range(len(cls["labels"])), cls["labels"])
        for i, row in enumerate(cls["confusion"]):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center")
        ax.set_xlabel("predicted")
        ax.set_ylabel("labelled")
        plots["confusion"] = _png(fig)
    if metrics["fields"]:
        names = list(metrics["fields"])
        fig, ax = plt.subplots(figsize=(7, max(3, 0.22 * len(names))))
        ax.barh(names, [metrics["fields"][n]["f1"] for n in names], color="#4a7")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_xlabel("F1")
        plots["fields"] = _png(fig)
    app = metrics["application"]
    if app.get("points"):
        fig, ax = plt.subplots(figsize=(4, 4))
        xs, ys = zip(*app["points"], strict=True)
        ax.plot(xs, ys, marker=".")
        ax.plot([0, 1], [0, 1], ls=":", color="grey")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.set_title(f"AUC {app['auc']}")
        plots["roc"] = _png(fig)
    up = metrics["uplift"]
    if up.get("available"):
        fig, ax = plt.subplots(figsize=(5, 4))
        for fraud, colour, label in ((False, "#4a7", "genuine"), (True, "#c44", "fraudulent")):
            pts = [(r, u) for r, u, f in up["points"] if f == fraud]
            if pts:
                ax.scatter([r for r, _ in pts], [u for _, u in pts], s=10, c=colour, label=label)
        ax.set_xscale("log")
        ax.set_xlabel("true monthly revenue (CNY)")
        ax.set_ylabel("uplift (CNY)")
        ax.legend()
        plots["uplift"] = _png(fig)
    walls = [json.loads(p.read_text(encoding="utf-8")).get("wall_s", 0) for p in (run_dir / "docs").rglob("*.json")]
    if walls:
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.hist(walls, bins=30, color="#58a")
        ax.set_xlabel("seconds per document")
        plots["latency"] = _png(fig)
    ocr = run_dir / "ocr_compare.json"
    if ocr.exists():
        rows = json.loads(ocr.read_text(encoding="utf-8"))["engines"]
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.bar([r["engine"] for r in rows], [r["cer"] for r in rows], color="#a74")
        ax.set_ylabel("character error rate")
        plots["ocr"] = _png(fig)
    return plots


def _table(rows: list[list[Any]], head: list[str]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def write_report(run_dir: Path) -> Path:
    """Compute metrics, write `metrics.json` and `report.html` into the run folder."""
    metrics = compute(run_dir)
    ocr = run_dir / "ocr_compare.json"
    if ocr.exists():
        metrics["ocr_engines"] = json.loads(ocr.read_text(encoding="utf-8"))
    (run_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    plots = _plots(metrics, run_dir)
    img = {k: f'<img alt="{k}" src="{v}">' for k, v in plots.items()}
    app, up = metrics["application"], metrics["uplift"]
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>attest evaluation</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f4f4f4}</style>",
        "<h1>attest evaluation</h1>",
        f"<p>corpus: {html.escape(json.dumps(metrics['corpus']))}; extractor: {metrics['extractor']}</p>",
        f"<h2>Classification</h2><p>accuracy {metrics['classification']['accuracy']}</p>{img.get('confusion', '')}",
        f"<h2>Fields</h2><p>macro F1 {metrics['field_macro_f1']}; label fields not produced: "
        f"{html.escape(', '.join(metrics['label_fields_not_produced']) or 'none')}</p>",
        _table([[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in metrics["fields"].items()],
               ["field", "precision", "recall", "F1", "support"]),
        img.get("fields", ""),
        "<h2>Checks</h2>",
        _table([[k, v["precision"], v["recall"], v["expected"], v["flagged"], v["fails_on_genuine_docs"]]
                for k, v in metrics["checks"].items()],
               ["check", "precision", "recall", "expected fails", "flagged", "fails on genuine docs"]),
        "<h2>Applications (fraud)</h2>",
    ]
    if app.get("available") is False:
        parts.append(f"<p>{html.escape(app['reason'])}</p>")
    else:
        parts += [f"<p>{html.escape(app['risk_definition'])}</p>",
                  f"<p>ROC-AUC {app['auc']}; recall at 1% FPR {app['recall_at_1pct_fpr']}; genuine merchants "
                  f"with any fail {app['genuine_with_any_fail']}</p>",
                  _table([[k, v] for k, v in app["caught_by_kind"].items()], ["fraud kind", "share caught"]),
                  img.get("roc", "")]
    if up.get("available"):
        parts += ["<h2>Uplift</h2>",
                  _table([[k, json.dumps(v, ensure_ascii=False)] for k, v in up.items() if k != "points"],
                         ["metric", "value"]), img.get("uplift", "")]
    else:
        parts.append(f"<h2>Uplift</h2><p>{html.escape(up['reason'])}</p>")
    parts += [
              "<h2>Latency</h2>",
              _table([[k, v.get("p50"), v.get("p95"), v.get("n")] for k, v in metrics["latency_s"].items()],
                     ["stage", "p50 s", "p95 s", "n"]),
              f"<p>throughput: {html.escape(json.dumps(metrics['throughput']))}</p>", img.get("latency", "")]
    if "ocr_engines" in metrics:
        parts += ["<h2>OCR engines side by side</h2>",
                  _table([[r["engine"], r["cer"], r["seconds_per_page"], r["pages"]]
                          for r in metrics["ocr_engines"]["engines"]],
                         ["engine", "character error rate", "s / page", "pages"]), img.get("ocr", "")]
    out = run_dir / "report.html"
    out.write_text("\n".join(parts) + "</html>", encoding="utf-8")
    return out


def _scalars(metrics: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in metrics.items():
        if isinstance(v, dict):
            out.update(_scalars(v, f"{prefix}{k}."))
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[f"{prefix}{k}"] = float(v)
    return out


def compare(a: Path, b: Path) -> list[tuple[str, float, float, float]]:
    """Every numeric metric present in both runs, with B − A, largest changes first."""
    ma = _scalars(json.loads((a / "metrics.json").read_text(encoding="utf-8")))
    mb = _scalars(json.loads((b / "metrics.json").read_text(encoding="utf-8")))
    rows = [(k, ma[k], mb[k], mb[k] - ma[k]) for k in sorted(set(ma) & set(mb)) if "latency" not in k
            or k.endswith(("p50", "p95"))]
    return sorted(rows, key=lambda r: -abs(r[3]))
