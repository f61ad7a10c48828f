"""Reading the e-mails a test's real SMTP server received, as a person's mail program would show them."""

import time
from email.header import decode_header, make_header
from email.message import Message


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body_of(message: Message) -> str:
    """The message's text, not its attachments."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain" and not p.get_filename())
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def attachment_of(message: Message, content_type: str) -> tuple[str, bytes]:
    """(file name, bytes) of the message's first attachment of this type."""
    part = next(p for p in message.walk() if p.get_content_type() == content_type and p.get_filename())
    return part.get_filename(), part.get_payload(decode=True)


def mails_arrived(sink, address: str, subject: str | None = None, count: int = 1, wait: float = 10) -> list[Message]:
    """The messages to `address` (with this subject, if given) once `count` have come; the SMTP server runs in its own thread."""

    def found():
        return [m for m in sink.messages if address in (m["To"] or "").lower() and (subject is None or subject_of(m) == subject)]

    deadline = time.monotonic() + wait
    while len(found()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    messages = found()
    assert len(messages) == count, [(m["To"], subject_of(m)) for m in sink.messages]
    return messages
