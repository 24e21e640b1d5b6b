"""What an e-invoice file says about itself, beside what its pages print: the invoice data it carries for
machines (OFD `CustomData`, custom tags, the original-invoice attachment) and its digital signatures."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class SignatureReport(BaseModel):
    """One signature of the file, checked offline (no CRL or OCSP: revocation is not known here)."""

    entry: str = Field(description="The signature's description in the package, e.g. Doc_0/Signs/Sign_0/Signature.xml.")
    method: str | None = Field(None, description="Signature algorithm OID (1.2.156.10197.1.501: SM3 with SM2).")
    references: int = Field(0, description="Files the signature covers.")
    broken: list[str] = Field(default_factory=list, description="Covered files whose digest no longer matches, "
                                                               "or that are missing.")
    digest_of_description: bool | None = Field(None, description="The signed value's data hash is the SM3 digest "
                                                                 "of the signature description file.")
    signature_verified: bool | None = Field(None, description="The SM2 signature over the signed value verifies "
                                                              "with the certificate it carries.")
    signer: str | None = Field(None, description="The signing certificate's subject common name.")
    issuer: str | None = Field(None, description="Who issued the signing certificate.")
    seal_name: str | None = Field(None, description="The electronic seal's name (GM/T 0031).")
    signed_at: datetime | None = None
    certificate_valid: tuple[datetime, datetime] | None = Field(None, description="The signing certificate's "
                                                                                 "validity (not before, not after).")
    certificate_sha256: str | None = None
    anchored: bool = Field(False, description="The signer is a trust anchor, or its certificate verifies under "
                                              "one (`data/trust_anchors.yaml`).")
    problem: str | None = Field(None, description="Why the signature could not be checked in full, when it could "
                                                  "not.")

    @property
    def intact(self) -> bool:
        """Every covered file unchanged, the description hashed into the signed value, the signature valid."""
        return (self.references > 0 and not self.broken and self.digest_of_description is True
                and self.signature_verified is True and self.problem is None)


class EInvoiceFile(BaseModel):
    format: Literal["ofd", "pdf"]
    data: dict[str, str] = Field(default_factory=dict, description="Invoice fields the file carries for machines, "
                                                                   "by flat field name, normalised.")
    sources: dict[str, str] = Field(default_factory=dict, description="Where each of `data` was read: "
                                                                      "custom_data, custom_tag or attachment.")
    signatures: list[SignatureReport] = Field(default_factory=list)
