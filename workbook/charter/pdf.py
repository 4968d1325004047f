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
a time limit, after which LibreOffice and everything it started are stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

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
        raise CharterError(
            Problem("a PDF needs LibreOffice, which is not installed", INSTALL, field="format")
        )
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
        return target.read_bytes()


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
