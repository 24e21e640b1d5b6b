"""The thresholds files are validated like policies: the shipped ones load, and a typo or an impossible value is
refused with the field named rather than surfacing as a KeyError in the middle of an assessment."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from attest.data import load
from attest.patterns.spec import PatternsSpec, patterns_spec
from attest.verify.application_spec import ApplicationSpec, application_spec


def test_the_shipped_thresholds_validate() -> None:
    assert patterns_spec().photo.max_hash_distance <= 64
    assert application_spec().identity.same_name == 85


@pytest.mark.parametrize(("model", "name", "path", "bad"), [
    (PatternsSpec, "patterns", ("photo", "max_differing_share"), 1.5),
    (PatternsSpec, "patterns", ("benchmark", "declared_below_low"), 0),
    (ApplicationSpec, "application", ("identity", "same_name"), 120),
    (ApplicationSpec, "application", ("invoice_burst", "min_share"), 0),
])
def test_an_impossible_threshold_is_refused_with_its_field(model, name, path, bad) -> None:
    data = copy.deepcopy(load(name))
    data[path[0]][path[1]] = bad
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    assert f"{path[0]}.{path[1]}" in str(err.value)  # pydantic names the field by its dotted location


def test_a_misspelt_key_is_refused() -> None:
    data = copy.deepcopy(load("patterns"))
    data["contract"]["min_jacard"] = data["contract"].pop("min_jaccard")
    with pytest.raises(ValidationError, match=r"min_jacard"):  # the stray key is named
        PatternsSpec.model_validate(data)
