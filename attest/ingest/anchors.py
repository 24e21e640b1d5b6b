"""The trust anchors e-invoice signatures are judged against (`data/trust_anchors.yaml`): certificates a bank
has verified through its own channel. One loader for OFD (SM2) and PDF (CMS) signatures alike."""

from __future__ import annotations

import base64
from functools import cache

from asn1crypto import x509

from attest.data import load


@cache
def trust_anchors() -> tuple[x509.Certificate, ...]:
    return tuple(x509.Certificate.load(base64.b64decode(a["certificate"]))
                 for a in load("trust_anchors").get("anchors") or [])
