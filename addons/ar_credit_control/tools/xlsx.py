"""XLSX tables with xlsxwriter in constant-memory mode (no ORM)."""

import io

import xlsxwriter


def currency_format(decimal_places, symbol=""):
    """Excel number format of an amount with ``decimal_places`` decimals."""
    decimals = "." + "0" * decimal_places if decimal_places else ""
    suffix = f' "{symbol}"' if symbol else ""
    return f"#,##0{decimals}{suffix};-#,##0{decimals}{suffix}"


def table_xlsx(
    sheet_name,
    headers,
    rows,
    amount_columns,
    number_format,
    total_label=None,
    title=None,
    info=(),
    count_columns=(),
):
    """Return the bytes of a one-sheet workbook: every export of the suite goes through here.

    ``headers``: column titles; ``rows``: iterable of sequences (streamed, each
    row written once, so memory stays flat whatever their number);
    ``amount_columns``: indexes of the amount columns, formatted with
    ``number_format`` (see ``currency_format``: the currency's decimals) and,
    when ``total_label`` is given, summed on a bold totals row, as are the
    integer ``count_columns``. ``title`` (optional) is written above the
    header; ``info`` (optional) is a list of (label, value) pairs written
    above it instead. The header row is bold and frozen.
    """
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    header_format = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    amount = workbook.add_format({"num_format": number_format})
    total_amount = workbook.add_format({"num_format": number_format, "bold": True, "top": 1})
    count = workbook.add_format({"num_format": "0"})
    total_count = workbook.add_format({"num_format": "0", "bold": True, "top": 1})
    header_row = 0
    if title:
        sheet.write_string(0, 0, title, bold)
        header_row = 2
    for index, (label, value) in enumerate(info):
        sheet.write_string(index, 0, label, bold)
        sheet.write(index, 1, value)
        header_row = index + 2
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(headers) - 1, 16)
    for column, header in enumerate(headers):
        sheet.write_string(header_row, column, header, header_format)
    sheet.freeze_panes(header_row + 1, 0)
    formats = {column: (amount, total_amount) for column in amount_columns}
    formats.update({column: (count, total_count) for column in count_columns})
    totals = dict.fromkeys(formats, 0)
    row_index = header_row
    for row_index, row in enumerate(rows, start=header_row + 1):
        for column, value in enumerate(row):
            if column in totals:
                sheet.write_number(row_index, column, value or 0, formats[column][0])
                totals[column] += value or 0
            elif value is not None and value is not False:
                sheet.write(row_index, column, value)
    if total_label is not None:
        total_row = row_index + 1
        sheet.write_string(total_row, 0, total_label, bold)
        for column, total in sorted(totals.items()):
            sheet.write_number(total_row, column, total, formats[column][1])
    workbook.close()
    return output.getvalue()
