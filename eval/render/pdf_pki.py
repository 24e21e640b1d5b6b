"""A test PKI for signed PDFs: an RSA certificate authority and a bank's signing certificate made with
`cryptography` (fixed dates, keys from one seed's run), and a PDF signed with pyHanko as a bank seals a statement
(`adbe.pkcs7.detached`). Tests anchor the authority the way a bank fills `data/trust_anchors.yaml`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509


@dataclass(frozen=True)
class Pki:
    ca: asn1_x509.Certificate
    signer: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo


@cache
def bank_pki() -> Pki:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2034, 1, 1, tzinfo=UTC)
    ca = (x509.CertificateBuilder().subject_name(name("Test Bank Root CA")).issuer_name(name("Test Bank Root CA"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(name("测试银行电子对账单专用章")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    der = serialization.Encoding.DER
    return Pki(ca=asn1_x509.Certificate.load(ca.public_bytes(der)),
               signer=asn1_x509.Certificate.load(leaf.public_bytes(der)),
               key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                                    serialization.NoEncryption())))


def sealed(data: bytes) -> bytes:
    """The PDF signed by the test bank's statement seal."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    pki = bank_pki()
    signer = signers.SimpleSigner(signing_cert=pki.signer, signing_key=pki.key,
                                  cert_registry=SimpleCertificateStore.from_certs([pki.ca]))  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)),
                     signers.PdfSignatureMetadata(field_name="BankSeal"), signer=signer, output=out)
    return out.getvalue()
