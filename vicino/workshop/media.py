"""Photos and short videos from the workshop floor: checked by what the bytes are (not by the name
or the browser's word), resized, and stripped of where they were taken before anyone sees them."""

import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_MAX_BYTES = 15 * 1024 * 1024
VIDEO_MAX_BYTES = 50 * 1024 * 1024
# A phone photo is 12–50 megapixels; more is a decompression bomb, not a photo of a brake disc.
IMAGE_MAX_PIXELS = 60_000_000
IMAGE_LONG_SIDE = 2000
_IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
_QUICKTIME_BRANDS = (b"qt  ",)
# Where a phone writes the place a video was filmed, as an ISO 6709 string ("+45.4642+009.1900+120.000/"):
# Android and older iPhones in the `©xyz` user data, iPhones in the `com.apple.quicktime.location.ISO6709`
# metadata item. Both live in the `moov` box, never among the frames (`mdat`), which are left untouched.
_ISO6709 = re.compile(rb"[+-]\d{2}(?:\.\d+)?[+-]\d{3}(?:\.\d+)?(?:[+-]\d+(?:\.\d+)?)?(?:CRS[A-Z0-9_]+)?/?")


@dataclass(frozen=True)
class Media:
    file: ContentFile
    kind: str  # "image" or "video"
    content_type: str


def media_checked(upload: UploadedFile) -> Media:
    """The upload as it will be kept, or ValidationError on `media` saying why not."""
    head = upload.read(16)
    upload.seek(0)
    if _is_video(head):
        return _video(upload, head)
    return _image(upload)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"media": ValidationError(message, code=code)})


def _image(upload: UploadedFile) -> Media:
    if upload.size > IMAGE_MAX_BYTES:
        raise _refuse(_("The photo is larger than 15 MB."), "too_big")
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise _refuse(_("The photo has too many pixels to be a photo."), "too_big")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            # Turned as the phone held it, then saved anew: the EXIF (GPS included) is not carried over.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((IMAGE_LONG_SIDE, IMAGE_LONG_SIDE))
            content_type, extension = _IMAGE_FORMATS.get(kind, (None, None))
            if content_type is None:
                raise _refuse(_("The file is not a photo (JPEG, PNG or WebP) or a video (MP4, MOV or WebM)."), "not_media")
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("The file is not a photo (JPEG, PNG or WebP) or a video (MP4, MOV or WebM)."), "not_media") from None
    return Media(ContentFile(out.getvalue(), name=f"photo.{extension}"), "image", content_type)


def _is_video(head: bytes) -> bool:
    return head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"


def _video(upload: UploadedFile, head: bytes) -> Media:
    if upload.size > VIDEO_MAX_BYTES:
        raise _refuse(_("The video is larger than 50 MB: record a shorter one."), "too_big")
    data = upload.read()
    if head[:4] == b"\x1a\x45\xdf\xa3":
        content_type, extension = "video/webm", "webm"
    else:
        content_type, extension = ("video/quicktime", "mov") if head[8:12] in _QUICKTIME_BRANDS else ("video/mp4", "mp4")
        data = location_blanked(data)
    return Media(ContentFile(data, name=f"video.{extension}"), "video", content_type)


def location_blanked(data: bytes) -> bytes:
    """An MP4/MOV with the place it was filmed overwritten by spaces (same length, so every box stays where it was)."""
    out, at = bytearray(data), 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        header = 8
        if size == 1 and at + 16 <= len(data):
            size, header = int.from_bytes(data[at + 8 : at + 16], "big"), 16
        elif size == 0:
            size = len(data) - at
        if size < header:
            break
        if kind != b"mdat":
            box = data[at : at + size]
            for match in _ISO6709.finditer(box):
                out[at + match.start() : at + match.end()] = b" " * (match.end() - match.start())
        at += size
    return bytes(out)
