"""Serving a workshop photo or video to its owner: through a view that checked who is asking, never a
public MEDIA URL. Byte ranges are answered, since browsers (Safari above all) fetch videos in pieces
to start playing and to seek."""

import re
from collections.abc import Iterator

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024


def _chunks(file, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def media_response(request: HttpRequest, media: FieldFile, content_type: str) -> HttpResponse:
    """The whole file, or the one range asked for (206); a range past the end is 416."""
    size = media.size
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start, end = int(match[1]), min(int(match[2]) if match[2] else size - 1, size - 1)
        else:
            start, end = max(0, size - int(match[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(_chunks(media.open("rb"), start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(media.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    # The customer's own files: their browser may keep them, shared caches may not.
    response["Cache-Control"] = "private, max-age=3600"
    return response
