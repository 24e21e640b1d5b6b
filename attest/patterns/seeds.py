"""Seed files of the pattern store: forged templates, genuine templates, industry benchmarks.

A seed folder holds `forged_templates.yaml`, `genuine_templates.yaml` and `benchmarks.yaml` (any may be
absent); the packaged folder is `attest/data/patterns/`. Every file carries a `version`, recorded with each
template or benchmark it loads.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from attest.errors import InputError
from attest.schemas.document import EVIDENCE_KINDS

_VERDICT = {"forged_templates.yaml": "forged", "genuine_templates.yaml": "genuine"}
_DOC_KINDS = set(EVIDENCE_KINDS)


class SeedError(InputError):
    code = "patterns.seed_invalid"


def _read(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SeedError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise SeedError(f"{path.name}: needs a mapping with a string `version`")
    return data


class Seeds:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def packaged(cls) -> Seeds:
        return cls(Path(str(resources.files("attest.data").joinpath("patterns"))))

    def templates(self) -> list[dict[str, Any]]:
        out = []
        for name, verdict in _VERDICT.items():
            data = _read(self.folder / name)
            if data is None:
                continue
            for i, t in enumerate(data.get("templates") or []):
                where = f"{name} templates[{i}]"
                if not isinstance(t, dict) or not t.get("id") or not t.get("rationale"):
                    raise SeedError(f"{where}: every template needs an `id` and a `rationale`")
                if t.get("doc_kind") not in _DOC_KINDS:
                    raise SeedError(f"{where}: doc_kind must be one of {sorted(_DOC_KINDS)}")
                if bool(t.get("text")) == bool(t.get("key")):
                    raise SeedError(f"{where}: give exactly one of `text` or `key`")
                text = "".join(str(t.get("text") or "").split())  # folded YAML adds spaces; attest compares squashed
                out.append({"id": str(t["id"]), "verdict": verdict, "doc_kind": t["doc_kind"],
                            "rationale": " ".join(str(t["rationale"]).split()), "text": text,
                            "key": str(t.get("key") or ""), "seed": data["version"]})
        ids = [t["id"] for t in out]
        if len(ids) != len(set(ids)):
            raise SeedError("template ids must be unique across the forged and genuine files")
        return out

    def benchmarks(self) -> list[dict[str, Any]]:
        data = _read(self.folder / "benchmarks.yaml")
        if data is None:
            return []
        out = []
        for industry, tiers in (data.get("benchmarks") or {}).items():
            for tier, b in (tiers or {}).items():
                try:
                    low, high = float(b["monthly_revenue_low"]), float(b["monthly_revenue_high"])
                    invoice_high = float(b["invoice_typical_high"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise SeedError(f"benchmarks.yaml {industry}/{tier}: needs monthly_revenue_low, "
                                    f"monthly_revenue_high and invoice_typical_high as numbers") from exc
                if not 0 < low < high or invoice_high <= 0 or int(tier) not in (1, 2, 3):
                    raise SeedError(f"benchmarks.yaml {industry}/{tier}: needs tier 1–3 and 0 < low < high")
                out.append({"industry": str(industry), "tier": int(tier), "monthly_revenue_low": low,
                            "monthly_revenue_high": high, "invoice_typical_high": invoice_high,
                            "source": data["version"]})
        return out
