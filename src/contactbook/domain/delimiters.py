"""Which character separates the cells of a CSV file: spreadsheet programs write commas,
semicolons (where the comma is the decimal mark), tabs or bars, and never say which.
"""

from __future__ import annotations

import csv

DELIMITERS = ",;\t|"
DEFAULT_DELIMITER = ","


def detect_delimiter(sample: str) -> str:
    """The delimiter of the file that starts with `sample` (its first lines, header first).

    Only a character the header holds can separate its columns; when it holds several, the
    one that splits every sampled line alike wins (`csv.Sniffer`), and a comma when none does.
    """
    header = sample.partition("\n")[0]
    found = [delimiter for delimiter in DELIMITERS if delimiter in header]
    if len(found) <= 1:
        return found[0] if found else DEFAULT_DELIMITER
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(found)).delimiter
    except csv.Error:  # no delimiter splits the lines consistently
        return DEFAULT_DELIMITER
