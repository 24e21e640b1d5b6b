"""What the model is asked to return: every value with the ids of the OCR lines it is printed on."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Cited(BaseModel):
    value: str = Field(description="The value exactly as printed (amounts: digits only; dates: YYYY-MM-DD).")
    lines: list[str] = Field(description="Ids of the OCR lines the value is printed on.")


class InvoiceReading(BaseModel):
    """Fields of a Chinese VAT invoice face; null where the invoice does not print one."""

    invoice_code: Cited | None = Field(None, description="发票代码 (10 or 12 digits; absent on 数电 invoices)")
    invoice_number: Cited | None = Field(None, description="发票号码 (8 or 20 digits)")
    issue_date: Cited | None = Field(None, description="开票日期")
    buyer_name: Cited | None = Field(None, description="购买方名称")
    buyer_tax_id: Cited | None = Field(None, description="购买方纳税人识别号 / 统一社会信用代码")
    seller_name: Cited | None = Field(None, description="销售方名称")
    seller_tax_id: Cited | None = Field(None, description="销售方纳税人识别号 / 统一社会信用代码")
    total_amount_excl_tax: Cited | None = Field(None, description="合计金额 (without tax)")
    total_tax: Cited | None = Field(None, description="合计税额")
    total_amount_incl_tax: Cited | None = Field(None, description="价税合计 (小写) in figures")
    total_amount_incl_tax_cn: Cited | None = Field(None, description="价税合计 (大写) in words")
    remarks: Cited | None = Field(None, description="备注")


class ContractReading(BaseModel):
    contract_no: Cited | None = Field(None, description="合同编号")
    party_a: Cited | None = Field(None, description="甲方 name")
    party_b: Cited | None = Field(None, description="乙方 name")
    party_a_tax_id: Cited | None = Field(None, description="甲方 统一社会信用代码")
    party_b_tax_id: Cited | None = Field(None, description="乙方 统一社会信用代码")
    amount: Cited | None = Field(None, description="合同金额 in figures")
    amount_cn: Cited | None = Field(None, description="合同金额 in words (大写)")
    signing_date: Cited | None = Field(None, description="签订日期")
    term_start: Cited | None = Field(None, description="合同期限 start")
    term_end: Cited | None = Field(None, description="合同期限 end")


class LicenceReading(BaseModel):
    unified_social_credit_code: Cited | None = Field(None, description="统一社会信用代码")
    name: Cited | None = Field(None, description="名称")
    company_type: Cited | None = Field(None, description="类型")
    legal_representative: Cited | None = Field(None, description="法定代表人 / 经营者")
    registered_capital: Cited | None = Field(None, description="注册资本")
    established_date: Cited | None = Field(None, description="成立日期 / 注册日期")
    address: Cited | None = Field(None, description="住所 / 经营场所")


class ShopSceneReading(BaseModel):
    place: str | None = Field(None, description="Kind of place")
    signboard: str | None = Field(None, description="Signboard text as printed, or null")
    industry: str | None = Field(None, description="One of the listed industries")
    scale_cues: list[str] = Field(default_factory=list, description="Visible scale cues")
    red_flags: list[str] = Field(default_factory=list, description="Only the listed red-flag values")


SCHEMAS: dict[str, type[BaseModel]] = {m.__name__: m for m in (InvoiceReading, ContractReading, LicenceReading,
                                                               ShopSceneReading)}
