"""Vouchers: uploaded proofs (receipt photos, bank slips, signed refund forms) attached to the
payment or refund they prove. Bytes are stored once per sha256 in the finance database; the
content type is checked against the bytes' own signature, not only the declared type."""
from __future__ import annotations

import hashlib

from kit.errors import InvalidArgument
from sqlalchemy.orm import Session

from . import models as m
from . import payments as _payments  # noqa: F401  (document tables)
from .refunds import not_found as refund_not_found

DOCUMENT_TYPES = {"payment": m.Payment, "refund": m.Refund}
# magic numbers of the accepted types
SIGNATURES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",),
              "application/pdf": (b"%PDF-",)}


def _document_not_found(document_type: str, document_id: str):
    if document_type == "refund":
        return refund_not_found(document_id)
    from kit.errors import NotFound
    return NotFound(f"payment {document_id} not found", reason="payment.not_found",
                    message_zh=f"付款记录 {document_id} 不存在")


def check(content: bytes, content_type: str, *, allowed: tuple[str, ...],
          max_bytes: int) -> None:
    if not content:
        raise InvalidArgument("the voucher is empty", reason="voucher.empty",
                              message_zh="凭证文件为空")
    if len(content) > max_bytes:
        raise InvalidArgument(f"a voucher is at most {max_bytes} bytes",
                              reason="voucher.too_large",
                              message_zh=f"凭证文件不能超过 {max_bytes} 字节")
    if content_type not in allowed or content_type not in SIGNATURES:
        raise InvalidArgument(f"a voucher is one of {', '.join(allowed)}",
                              reason="voucher.type_not_allowed",
                              message_zh=f"凭证仅支持 {', '.join(allowed)}")
    if not content.startswith(SIGNATURES[content_type]):
        raise InvalidArgument(f"the file is not {content_type}",
                              reason="voucher.type_mismatch",
                              message_zh=f"文件内容与类型 {content_type} 不符")


def upload(session: Session, *, document_type: str, document_id: str, content: bytes,
           content_type: str, file_name: str, uploaded_by: str | None,
           allowed: tuple[str, ...], max_bytes: int) -> m.Voucher:
    model = DOCUMENT_TYPES.get(document_type)
    if model is None:
        raise InvalidArgument("document_type is payment or refund", reason="voucher.invalid",
                              message_zh="凭证所属单据类型应为付款或退款")
    if session.get(model, document_id) is None:
        raise _document_not_found(document_type, document_id)
    check(content, content_type, allowed=allowed, max_bytes=max_bytes)
    digest = hashlib.sha256(content).hexdigest()
    if session.get(m.VoucherBlob, digest) is None:
        session.add(m.VoucherBlob(content_hash=digest, content=content))
        session.flush()
    voucher = m.Voucher(id=m.new_id(), document_type=document_type, document_id=document_id,
                        content_hash=digest, content_type=content_type,
                        size_bytes=len(content), file_name=(file_name or digest)[:200],
                        uploaded_by=uploaded_by, uploaded_at=m.utcnow())
    session.add(voucher)
    session.flush()
    return voucher


def content(session: Session, voucher: m.Voucher) -> bytes:
    blob = session.get(m.VoucherBlob, voucher.content_hash)
    return blob.content if blob is not None else b""
