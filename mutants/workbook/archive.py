"""Office files (``.docx``, ``.xlsx``) with reproducible bytes.

Word and Excel files are zip archives. python-docx and openpyxl stamp every member
with the wall-clock time and write the time into ``docProps/core.xml`` (created,
modified), so the same charter or matching run would give different bytes each time.
:func:`pin` rewrites both with :func:`workbook.clock.now`, which honours
``SOURCE_DATE_EPOCH``: with it set, the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import zipfile

from workbook import clock

CORE = "docProps/core.xml"
_STAMPS = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def pin(data: bytes) -> bytes:
    """The same archive with every timestamp set to :func:`workbook.clock.now`."""
    now = clock.now()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    date_time = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info)
            if info.filename == CORE:
                body = _STAMPS.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            member = zipfile.ZipInfo(info.filename, date_time=date_time)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            member.create_system = 3  # the same bytes whichever system wrote them
            target.writestr(member, body)
    return out.getvalue()
