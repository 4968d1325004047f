"""The mentoring workbook: design a workplace mentoring program and produce its charter."""

__version__ = "0.1.0"
