"""A sponsorship's documents: a contract or invoice (PDF) or a logo (JPEG, PNG), judged by their bytes."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
_PDF = b"%PDF-"


def document_checked(upload: UploadedFile) -> str:
    """The content type the upload really is, or ValidationError on `document` saying why it is refused."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": ValidationError(_("The document is larger than 10 MB."), code="too_big")})
    head = upload.read(5)
    upload.seek(0)
    if head == _PDF:
        return "application/pdf"
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    finally:
        upload.seek(0)
    if kind in ("JPEG", "PNG"):
        return f"image/{kind.lower()}"
    raise ValidationError({"document": ValidationError(_("The document is not a PDF, a JPEG or a PNG."), code="not_document")})
