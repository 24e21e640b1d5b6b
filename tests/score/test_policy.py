from __future__ import annotations

import pytest

from attest.score import PolicyError, load_policy, parse_policy

GOOD = load_policy("credit-v1")


def _yaml(**changes: object) -> str:
    import yaml

    data = GOOD.model_dump(mode="json")
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


def test_shipped_policies_load() -> None:
    assert load_policy("credit-v1").version == "credit-v1"
    assert load_policy("credit-v2").uplift.share_of_annual_sales > GOOD.uplift.share_of_annual_sales


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uplift__share_of_annual_sales": 1.5}, "uplift.share_of_annual_sales"),
        ({"evidence__warn_haircut": -0.1}, "evidence.warn_haircut"),
        ({"outcomes__fail_means": "approve"}, "outcomes.fail_means"),
        ({"version": "Credit V1!"}, "version"),
        ({"features__sales_invoice_count__bins": [{"min": 0, "points": 0, "reason": "A_B"},
                                                  {"min": 3, "points": 5, "reason": "C_D"}]}, "highest minimum"),
        ({"features__sales_invoice_count__bins": [{"min": 3, "points": 5, "reason": "C_D"}]}, "start at 0"),
        ({"features__shoe_size": {"description": "x", "bins": [{"min": 0, "points": 1, "reason": "A_B"}]}},
         "cannot compute"),
    ],
)
def test_invalid_policies_name_the_field(changes: dict, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(_yaml(**changes), source="test.yaml")


def test_not_yaml_and_unknown_version() -> None:
    with pytest.raises(PolicyError, match="not valid YAML"):
        parse_policy("a: [1, 2", source="x")
    with pytest.raises(PolicyError, match="mapping"):
        parse_policy("- 1\n- 2\n", source="x")
    with pytest.raises(PolicyError, match="no policy"):
        load_policy("credit-v99")
