"""The ticket's QR code, drawn on the server: a PNG for the e-mail, an SVG for the pages."""

import io

import segno

from .links import ticket_code
from .models import Registration


def ticket_png(registration: Registration) -> bytes:
    out = io.BytesIO()
    # Error correction M and a wide quiet zone: read at once by a phone held at arm's length, even on a cracked screen.
    segno.make_qr(ticket_code(registration), error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def ticket_svg(registration: Registration) -> str:
    return segno.make_qr(ticket_code(registration), error="m").svg_inline(scale=6, border=4, omitsize=True)
