"""Knowledge is validated when it loads: the catalogue of checks holds every code a check makes, a policy that
names a code no check raises is refused, and a knowledge file with a misspelt key stops the process at start with
the file and the key named."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

import attest
from attest import data
from attest.data import load
from attest.engines import load_knowledge
from attest.errors import KnowledgeError
from attest.findings import catalogue, result
from attest.kinds import kinds
from attest.score.policy import PolicyError, parse_policy, shipped_policies

SOURCE = Path(attest.__file__).parent


def _findings_made() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal code passed to the functions that make findings, anywhere in attest/, and each literal case
    (`pass`, `raised` or a named one) made of it, both arms of a conditional included."""
    codes: set[str] = set()
    cases: set[tuple[str, str]] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) \
                if isinstance(node, ast.Call) else None
            if name in ("result", "result_refs", "result_of") and isinstance(node, ast.Call) and len(node.args) > 1 \
                    and isinstance(node.args[0], ast.Constant):
                code = str(node.args[0].value)
                codes.add(code)
                case = node.args[1]
                arms = [case.body, case.orelse] if isinstance(case, ast.IfExp) else [case]
                cases |= {(code, str(a.value)) for a in arms if isinstance(a, ast.Constant)}
    # Quality findings are made as `quality.<message key>`.
    return codes | {f"quality.{key}" for key in load("quality")["messages"]}, cases


def _codes_made() -> set[str]:
    return _findings_made()[0]


def test_every_case_made_is_in_the_catalogue() -> None:
    _, made = _findings_made()
    unknown = [(code, case) for code, case in made
               if case not in ("pass", "raised", *catalogue()[code].cases)]
    assert unknown == []
    named = {(code, case) for code, entry in catalogue().items() for case in entry.cases}
    assert sorted(named - made - {("photo.recapture", "likely")}) == []  # recapture names its case in a variable


def test_every_code_made_is_in_the_catalogue_and_every_entry_is_made() -> None:
    made = _codes_made()
    assert len(made) > 40
    assert sorted(made - set(catalogue())) == []
    assert sorted(set(catalogue()) - made) == []


def test_a_finding_with_an_unknown_code_is_refused_where_it_is_made() -> None:
    with pytest.raises(ValueError, match=r"'invoice\.arithmetc' is not in attest/data/checks.yaml"):
        result("invoice.arithmetc", "raised", "错", "wrong", doc="d", fields=["items"])
    with pytest.raises(ValueError, match=r"'invoice\.date' has no case 'unclear'"):
        result("invoice.date", "unclear", "错", "wrong", doc="d", fields=["issue_date"])


def test_every_shipped_policy_names_only_codes_that_checks_raise() -> None:
    load_knowledge()
    assert "credit-v4" in shipped_policies()


def test_a_policy_naming_an_unknown_code_is_refused_with_the_file_and_the_code() -> None:
    text = resources.files("attest.data").joinpath("policies/credit-v4.yaml").read_text(encoding="utf-8")
    typo = text.replace("- velocity.invoice_burst", "- velocity.invoice_bursts", 1)
    assert typo != text
    with pytest.raises(PolicyError, match=r"policies/credit-v9\.yaml: outcomes: .*velocity\.invoice_bursts"):
        parse_policy(typo, source="policies/credit-v9.yaml")


def _served(monkeypatch: pytest.MonkeyPatch, name: str, bad: dict) -> None:
    """`attest/data/<name>.yaml` reads as `bad` from here on, for every reader."""
    original = data.load.__wrapped__  # type: ignore[attr-defined]
    swapped = lambda n: bad if n == name else original(n)  # noqa: E731
    monkeypatch.setattr("attest.data.spec.load", swapped)
    monkeypatch.setattr("attest.data.load", swapped)


def test_a_misspelt_key_in_a_knowledge_file_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    good = load("kinds")
    row = dict(good["kinds"]["contract"])
    row["seals_onn"] = row.pop("seals_on")
    _served(monkeypatch, "kinds", {**good, "kinds": {**good["kinds"], "contract": row}})
    kinds.cache_clear()
    try:
        with pytest.raises(KnowledgeError, match=r"attest/data/kinds\.yaml: kinds\.contract\.seals_onn: Extra"):
            load_knowledge()
    finally:
        kinds.cache_clear()


@pytest.mark.parametrize(("name", "change", "named"), [
    ("quality", lambda d: {**{k: v for k, v in d.items() if k != "min_sharpness"}, "min_sharpnes": 60.0},
     r"quality\.yaml: min_sharpness: Field required; min_sharpnes: Extra inputs"),
    ("invoice_layout", lambda d: {**d, "labels": {**d["labels"], "check_code": "校验码("}},
     r"invoice_layout\.yaml: labels\.check_code: Value error, missing \)"),
    ("seals", lambda d: {**d, "line_ink": {**d["line_ink"], "seal_share": 4}},
     r"seals\.yaml: line_ink\.seal_share: Input should be less than or equal to 1"),
])
def test_every_plain_knowledge_file_is_checked_at_start(monkeypatch: pytest.MonkeyPatch, name: str, change: object,
                                                        named: str) -> None:
    _served(monkeypatch, name, change(load(name)))  # type: ignore[operator]
    with pytest.raises(KnowledgeError, match=named):
        load_knowledge()


def test_every_knowledge_file_has_a_model() -> None:
    from attest.data.models import MODELS

    modelled_elsewhere = {"kinds", "checks", "patterns", "application", "score", "review"}
    files = {p.stem for p in (SOURCE / "data").glob("*.yaml")}
    assert files - modelled_elsewhere == set(MODELS)
