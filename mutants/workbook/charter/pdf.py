"""The charter as PDF: the Word document, converted by LibreOffice when it is installed.

The PDF is made from the very ``.docx`` the sponsor signs (:mod:`workbook.charter.word`),
so its pages are the Word document's pages: the same paper, header, draft mark, page
numbers, tables and page breaks, and a page reference in a meeting means the same page
in both. An HTML-to-PDF engine (WeasyPrint, a browser's print) would lay out the HTML
charter instead, a second layout to keep in step with Word's, and would add a Python
dependency with native libraries to every install for a format most users never ask
for. LibreOffice is a system package, found at run time and used only when asked.

Each conversion runs ``soffice --headless --convert-to pdf`` in a temporary folder with
its own LibreOffice profile (``-env:UserInstallation``), so conversions in parallel (a
batch run, two users of one server) never share the profile LibreOffice locks, and with
a time limit, after which LibreOffice and everything it started are stopped. Like the
Word file (:func:`workbook.archive.pin`), the PDF is stamped with
:func:`workbook.clock.now`, so with ``SOURCE_DATE_EPOCH`` set the same charter gives the
same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from workbook import clock
from workbook.errors import CharterError, Problem

TIMEOUT = 120.0
"""Seconds a conversion may take; the example's charter takes about two."""
INSTALL = (
    "install LibreOffice Writer (Debian and Ubuntu: apt-get install libreoffice-writer-nogui; "
    "macOS: brew install --cask libreoffice; Windows: libreoffice.org), or set "
    "WORKBOOK_SOFFICE to its soffice program, then ask for the PDF again"
)
"""What to do when there is no LibreOffice: the fix of the error a user sees."""

_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",  # not on PATH on macOS
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
# Tagged PDF: headings, tables and the timeline's alternative text reach screen readers.
_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def program() -> str | None:
    """The LibreOffice program to run: ``$WORKBOOK_SOFFICE``, else the first one found."""
    given = os.environ.get("WORKBOOK_SOFFICE", "").strip()
    for candidate in (given,) if given else _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def available() -> bool:
    """Whether a PDF can be made here (LibreOffice is installed); nothing is started."""
    return program() is not None


def missing() -> Problem:
    """Why no PDF can be made here, and what to do: the problem a user is shown."""
    given = os.environ.get("WORKBOOK_SOFFICE", "").strip()
    if given:
        return Problem(
            f"WORKBOOK_SOFFICE names {given!r}, which is not a program",
            "set it to LibreOffice's soffice program, or unset it to use the installed one",
            field="format",
        )
    return Problem("a PDF needs LibreOffice, which is not installed", INSTALL, field="format")


def docx_to_pdf(data: bytes, timeout: float = TIMEOUT) -> bytes:
    """The PDF of a Word document, laid out by LibreOffice.

    Args:
        data: the bytes of a ``.docx`` file (:func:`workbook.charter.word.render_docx`).
        timeout: seconds before LibreOffice is stopped and the conversion refused.

    Raises:
        CharterError: LibreOffice is not installed (the fix says how to install it), did
            not finish in time, or failed to write the PDF.
    """
    soffice = program()
    if soffice is None:
        raise CharterError(missing())
    with tempfile.TemporaryDirectory(prefix="workbook-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "charter.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _FILTER,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        returncode, output = _run(command, folder, timeout)
        target = folder / "out" / "charter.pdf"
        if returncode != 0 or not target.is_file():
            said = " ".join(output.split())[-300:] or f"exit status {returncode}"
            raise CharterError(
                Problem(
                    f"LibreOffice could not convert the charter to PDF ({said})",
                    f"check that `{Path(soffice).name} --headless --convert-to pdf` works "
                    "on this machine, or write the Word file and save it as PDF in Word",
                    field="format",
                )
            )
        return pin(target.read_bytes())


_CREATED = re.compile(rb"/CreationDate\s*\(D:(\d{14})Z'\)")
_IDS = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def pin(data: bytes) -> bytes:
    """The same PDF with what changes from one conversion to the next made stable.

    LibreOffice writes the time of the conversion (``/CreationDate``, in UTC since it
    runs with ``TZ=UTC``), and a file identifier and checksum that depend on it. The time
    becomes :func:`workbook.clock.now`; the identifier and the checksum become a digest
    of the rest of the file. Every replacement is as long as what it replaces, so the
    byte offsets in the PDF's cross-reference table stay right.
    """
    stamp = clock.now().strftime("%Y%m%d%H%M%S").encode("ascii")
    data = _CREATED.sub(lambda m: _put(m, stamp), data)
    rest = _CHECKSUM.sub(b"", _IDS.sub(b"", data))
    digest = hashlib.sha256(rest).hexdigest()[:32].upper().encode("ascii")
    data = _IDS.sub(lambda m: _put(m, digest), data)
    return _CHECKSUM.sub(lambda m: _put(m, digest), data)


def _put(match: re.Match[bytes], value: bytes) -> bytes:
    """The match with each of its groups replaced by ``value`` (of the same length)."""
    whole = bytearray(match.group(0))
    for group in range(1, len(match.groups()) + 1):
        start, end = (i - match.start() for i in match.span(group))
        whole[start:end] = value
    return bytes(whole)


def _run(command: list[str], folder: Path, timeout: float) -> tuple[int, str]:
    """Run LibreOffice; past ``timeout`` stop it and every process it started.

    ``soffice`` is a launcher that starts ``soffice.bin``; killing the launcher alone
    would leave the real program running, so it gets a process group of its own (on
    POSIX) and the whole group is stopped.

    Raises:
        CharterError: the time ran out.
    """
    posix = os.name == "posix"
    with subprocess.Popen(
        command,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env={**os.environ, "TZ": "UTC"},  # the creation time in UTC, as pin() expects
        start_new_session=posix,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if posix:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.communicate()
            raise CharterError(
                Problem(
                    f"LibreOffice did not convert the charter to PDF within {timeout:g} seconds",
                    "try again when the machine is less busy, or write the Word file and "
                    "save it as PDF in Word",
                    field="format",
                )
            ) from None
        return process.returncode, output
