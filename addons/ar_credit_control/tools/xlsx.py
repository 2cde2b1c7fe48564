"""XLSX tables with xlsxwriter in constant-memory mode (no ORM)."""

import io

import xlsxwriter


def currency_format(decimal_places, symbol=""):
    """Excel number format of an amount with ``decimal_places`` decimals."""
    decimals = "." + "0" * decimal_places if decimal_places else ""
    suffix = f' "{symbol}"' if symbol else ""
    return f"#,##0{decimals}{suffix};-#,##0{decimals}{suffix}"


def table_xlsx(sheet_name, headers, rows, amount_columns, number_format, total_label=None, title=None):
    """Return the bytes of a one-sheet workbook.

    ``headers``: column titles; ``rows``: iterable of sequences (streamed, each
    row written once, so memory stays flat whatever their number);
    ``amount_columns``: indexes of the amount columns, formatted with
    ``number_format`` and, when ``total_label`` is given, summed (in Python) on
    a bold totals row. ``title`` (optional) is written above the header. The
    header row is bold and frozen.
    """
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    header_format = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    amount = workbook.add_format({"num_format": number_format})
    total_amount = workbook.add_format({"num_format": number_format, "bold": True, "top": 1})
    header_row = 0
    if title:
        sheet.write_string(0, 0, title, bold)
        header_row = 2
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(headers) - 1, 16)
    for column, header in enumerate(headers):
        sheet.write_string(header_row, column, header, header_format)
    sheet.freeze_panes(header_row + 1, 0)
    totals = dict.fromkeys(amount_columns, 0.0)
    row_index = header_row
    for row_index, row in enumerate(rows, start=header_row + 1):
        for column, value in enumerate(row):
            if column in totals:
                sheet.write_number(row_index, column, value or 0.0, amount)
                totals[column] += value or 0.0
            elif value is not None and value is not False:
                sheet.write(row_index, column, value)
    if total_label is not None:
        total_row = row_index + 1
        sheet.write_string(total_row, 0, total_label, bold)
        for column, total in sorted(totals.items()):
            sheet.write_number(total_row, column, total, total_amount)
    workbook.close()
    return output.getvalue()
