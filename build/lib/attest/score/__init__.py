"""Score stage: verified evidence + checks + policy → `Decision`."""

from attest.score.decide import score
from attest.score.policy import Policy, PolicyError, load_policy, parse_policy

__all__ = ["Policy", "PolicyError", "load_policy", "parse_policy", "score"]
