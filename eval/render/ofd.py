"""Synthetic invoices as OFD e-invoice files: the rendered face as the page's background picture (QR code, rules,
seal), every string drawn on it as a text object at the same place (vertical captions one character per
object, as producers write them), the invoice data in `CustomData`, and — when a signer is given — an
electronic-seal signature over every file (SM3 references, a GM/T 0031 `SES_Signature` signed SM2)."""

from __future__ import annotations

import base64
import io
import random
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from asn1crypto import x509

from attest.cn.gm import sm3
from eval.render.invoice import render_invoice_with_text
from eval.render.sm2_pki import Key, ses_signature
from eval.render.truth import InvoiceTruth

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


@dataclass(frozen=True)
class Signer:
    key: Key
    cert: x509.Certificate
    seal_name: str = "测试发票专用章"


def _text_objects(drawn: list[tuple[str, tuple[float, float, float, float]]], mm: float) -> list[str]:
    out, next_id = [], 100
    for text, (x0, y0, x1, y1) in drawn:
        w, h = (x1 - x0) * mm, (y1 - y0) * mm
        if h > 1.6 * w and len(text) > 1:  # a caption written top to bottom
            size = w
            cells = [(ch, x0 * mm, y0 * mm + i * h / len(text)) for i, ch in enumerate(text)]
        else:
            size = h
            cells = [(text, x0 * mm, y0 * mm)]
        for chars, x, y in cells:
            advance = (w / len(chars)) if len(chars) > 1 else size
            out.append(f'<ofd:TextObject ID="{next_id}" Boundary="{x:.3f} {y:.3f} {max(w, size):.3f} {size * 1.2:.3f}"'
                       f' Font="2" Size="{size:.4f}"><ofd:TextCode X="0" Y="{size * 0.88:.4f}"'
                       f' DeltaX="g {max(len(chars) - 1, 1)} {advance:.4f}">{escape(chars)}</ofd:TextCode>'
                       f'</ofd:TextObject>')
            next_id += 1
    return out


def _custom_data(t: InvoiceTruth) -> str:
    flat = t.flat()
    values = {"发票号码": flat.get("invoice_number"), "发票代码": flat.get("invoice_code"),
              "开票日期": t.issue_date.strftime("%Y年%m月%d日"), "合计金额": flat.get("total_amount_excl_tax"),
              "合计税额": flat.get("total_tax"), "购买方纳税人识别号": flat.get("buyer_tax_id"),
              "销售方纳税人识别号": flat.get("seller_tax_id")}
    return "".join(f'<ofd:CustomData Name="{k}">{escape(str(v))}</ofd:CustomData>' for k, v in values.items() if v)


def invoice_ofd(t: InvoiceTruth, rng: random.Random, *, signer: Signer | None = None) -> bytes:
    face, drawn = render_invoice_with_text(t, rng)
    mm = 210 / face.width
    width, height = 210.0, face.height * mm
    picture = io.BytesIO()
    face.save(picture, "PNG")
    files: dict[str, bytes] = {
        "Doc_0/Res/face.png": picture.getvalue(),
        "Doc_0/PublicRes.xml": (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
                                '<ofd:Font ID="2" FontName="宋体" FamilyName="SimSun"/></ofd:Fonts><ofd:MultiMedias>'
                                '<ofd:MultiMedia ID="3" Type="Image"><ofd:MediaFile>face.png</ofd:MediaFile>'
                                '</ofd:MultiMedia></ofd:MultiMedias></ofd:Res>').encode(),
        "Doc_0/Pages/Page_0/Content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Area><ofd:PhysicalBox>0 0 {width:.3f} '
            f'{height:.3f}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="4"><ofd:ImageObject ID="5" '
            f'CTM="{width:.3f} 0 0 {height:.3f} 0 0" Boundary="0 0 {width:.3f} {height:.3f}" ResourceID="3"/>'
            + "".join(_text_objects(drawn, mm)) + '</ofd:Layer></ofd:Content></ofd:Page>').encode(),
        "Doc_0/Document.xml": (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                               f'<ofd:PageArea><ofd:PhysicalBox>0 0 {width:.3f} {height:.3f}</ofd:PhysicalBox>'
                               '</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
                               '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
                               '</ofd:Document>').encode(),
    }
    signatures = "<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>" if signer else ""
    files["OFD.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} DocType="OFD" Version="1.0">'
                        f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>{t.number}</ofd:DocID><ofd:CustomDatas>'
                        f'{_custom_data(t)}</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml'
                        f'</ofd:DocRoot>{signatures}</ofd:DocBody></ofd:OFD>').encode()
    if signer is not None:
        _sign(files, signer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return out.getvalue()


def _sign(files: dict[str, bytes], signer: Signer) -> None:
    refs = "".join(f'<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{base64.b64encode(sm3(body)).decode()}'
                   '</ofd:CheckValue></ofd:Reference>' for name, body in sorted(files.items()))
    description = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signature {NS}><ofd:SignedInfo>'
                   '<ofd:Provider ProviderName="attest-eval" Version="1.0"/>'
                   '<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>'
                   f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References></ofd:SignedInfo>'
                   '<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>').encode()
    files["Doc_0/Signs/Sign_0/Signature.xml"] = description
    files["Doc_0/Signs/Sign_0/SignedValue.dat"] = ses_signature(
        description, seal_name=signer.seal_name, signer=signer.key, cert=signer.cert,
        when=datetime(2024, 6, 1, tzinfo=UTC))
    files["Doc_0/Signs/Signatures.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures {NS}>'
                                           '<ofd:Signature ID="1" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/>'
                                           '</ofd:Signatures>').encode()
