"""``python -m workbook``: the command line, for when the ``workbook`` script is not on PATH."""

from workbook.cli import main

main()
