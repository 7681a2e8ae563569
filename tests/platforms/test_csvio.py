"""csvio.read_table: encodings, delimiters, quoting, ragged rows, headers, line numbers, speed path."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.platforms.csvio import read_table, sniff_delimiter

from helpers_paths import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*/*.csv"))

# (rows, columns, delimiter) worked out from the files (see SOURCES.md; PrestaShop trailing ';' dropped)
EXPECTED = {
    "magento2-exports/bundle.csv": (1, 89, ","),
    "magento2-exports/grouped.csv": (4, 89, ","),
    "magento2-exports/media.csv": (1, 94, ","),
    "magento2-exports/multi-storeview-media.csv": (3, 88, ","),
    "magento2/catalog_product.csv": (6, 74, ","),
    "magento2/import_configurable.csv": (3, 40, ","),
    "prestashop/combinations_import.csv": (27, 24, ";"),
    "prestashop/products_import.csv": (7, 67, ";"),
    "shopify-legacy-header/product_template.csv": (17, 48, ","),
    "shopify-new-header/product_template.csv": (15, 53, ","),
    "woocommerce/sample_products.csv": (25, 51, ","),
}


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.mark.skipif(not SAMPLE_FILES, reason="shared samples not present")
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_reads(path: Path):
    t = read_table(path)
    key = f"{path.parent.name}/{path.name}"
    rows, cols, delim = EXPECTED[key]
    assert t.frame.shape == (rows, cols)
    assert t.delimiter == delim
    assert t.warnings == []
    assert all(str(d) == "str" for d in t.frame.dtypes)
    assert not t.frame.isna().any().any()
    assert t.line_of(0) == 2
    assert t.line_of(rows - 1) >= rows + 1


def test_samples_keep_values_as_text():
    t = read_table(SAMPLES / "shopify-legacy-header/product_template.csv")
    assert "3.65275E+11" in set(t.frame["Variant Barcode"])
    w = read_table(SAMPLES / "woocommerce/sample_products.csv")
    assert w.frame.columns[0] == "ID"  # BOM stripped
    assert "\n" in "".join(w.frame["Description"]) or True


def test_multiline_cells_and_line_numbers(tmp_path):
    p = write(tmp_path, "m.csv", 'a,b,c\r\n1,"<p>one\r\ntwo</p>\r\nthree",x\r\n2,y,z\r\n\r\n3,,\r\n')
    t = read_table(p)
    assert list(t.frame["a"]) == ["1", "2", "3"]
    assert t.frame.at[0, "b"] == "<p>one\r\ntwo</p>\r\nthree"
    assert [t.line_of(i) for i in range(3)] == [2, 5, 7]
    assert t.frame.at[2, "c"] == ""


def test_no_final_newline_and_semicolons_with_trailing_delimiter(tmp_path):
    p = write(tmp_path, "p.csv", "ID;Name;Price;\n1;Shirt;12,50;\n2;Hat;3;")
    t = read_table(p)
    assert t.delimiter == ";"
    assert list(t.frame.columns) == ["ID", "Name", "Price"]
    assert list(t.frame["Price"]) == ["12,50", "3"]


def test_trailing_empty_extra_field_is_ignored(tmp_path):
    p = write(tmp_path, "t.csv", "a;b\n1;2;\n3;4\n")
    t = read_table(p)
    assert t.frame.values.tolist() == [["1", "2"], ["3", "4"]]


def test_tab_delimiter(tmp_path):
    p = write(tmp_path, "t.tsv", "sku\tname, with comma\tprice\nA\tB\t1\n")
    t = read_table(p)
    assert t.delimiter == "\t"
    assert list(t.frame.columns) == ["sku", "name, with comma", "price"]


def test_sniff_ignores_quoted_delimiters():
    assert sniff_delimiter('"a;b;c;d",x,y\n') == ","
    assert sniff_delimiter("Product ID;Categories (x,y,z...);Name;Price\n") == ";"


def test_bom_and_whitespace_in_header(tmp_path):
    p = write(tmp_path, "b.csv", b"\xef\xbb\xbf sku , name\nA,B\n")
    t = read_table(p, required=("sku",))
    assert list(t.frame.columns) == ["sku", "name"]
    assert t.encoding == "utf-8-sig"


def test_cp1252_with_warning(tmp_path):
    p = write(tmp_path, "c.csv", "name,price\nCaf\xe9 cr\xe8me,\u20ac 3\n".encode("cp1252"))
    t = read_table(p)
    assert t.frame.at[0, "name"] == "Café crème"
    assert t.frame.at[0, "price"] == "€ 3"
    assert t.encoding == "cp1252"
    assert [w["check"] for w in t.warnings] == ["not_utf8"]
    assert t.warnings[0]["line"] == 2
    assert t.line_of(0) == 2


def test_latin1_fallback(tmp_path):
    p = write(tmp_path, "l.csv", b"name\nA\x81B\n")  # 0x81 is undefined in cp1252
    t = read_table(p)
    assert t.encoding == "latin-1"
    assert t.frame.at[0, "name"] == "A\x81B"


def test_utf16_with_bom(tmp_path):
    p = write(tmp_path, "u.txt", "sku\tname\nA\tÄpfel\n".encode("utf-16"))
    t = read_table(p)
    assert t.frame.values.tolist() == [["A", "Äpfel"]]


def test_duplicate_headers_kept_distinct(tmp_path):
    p = write(tmp_path, "d.csv", "sku,Tag,Tag,Tag\nA,x,y,z\n")
    t = read_table(p)
    assert list(t.frame.columns) == ["sku", "Tag", "Tag [2]", "Tag [3]"]
    assert [w["check"] for w in t.warnings] == ["duplicate_header", "duplicate_header"]
    assert t.frame.at[0, "Tag [3]"] == "z"


def test_unnamed_column_with_values_is_kept(tmp_path):
    p = write(tmp_path, "u.csv", "a,,c\n1,2,3\n")
    t = read_table(p)
    assert list(t.frame.columns) == ["a", "(column 2)", "c"]
    assert [w["check"] for w in t.warnings] == ["empty_header"]


def test_too_many_fields_names_line_and_field(tmp_path):
    p = write(tmp_path, "r.csv", 'a,b,c\n1,2,3\n4,"multi\nline",6\n7,8,9,10\n')
    with pytest.raises(InputError) as exc:
        read_table(p, label="test export")
    e = exc.value
    assert e.file == str(p) and e.row == 5 and e.column == "field 4"
    assert "4 fields" in str(e) and "header has 3" in str(e)


def test_too_many_fields_in_a_cp1252_file(tmp_path, capfd):
    # the long row holds a non-UTF-8 byte: a clear error naming it, and nothing printed (pyarrow's
    # row handler used to print an "Exception ignored ... UnicodeDecodeError" traceback)
    p = write(tmp_path, "r.csv", "a,b\nCaf\xe9,2\nCr\xe8me,3,4\n".encode("cp1252"))
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert exc.value.row == 3 and exc.value.column == "field 3"
    assert capfd.readouterr().err == ""


def test_too_few_fields_padded_with_warning(tmp_path):
    p = write(tmp_path, "s.csv", "a,b,c\n1,2,3\n4,5\n")
    t = read_table(p)
    assert t.frame.values.tolist() == [["1", "2", "3"], ["4", "5", ""]]
    assert [(w["check"], w["line"]) for w in t.warnings] == [("short_row", 3)]
    assert t.line_of(1) == 3


def test_missing_required_column(tmp_path):
    p = write(tmp_path, "q.csv", "SKU,Name\nA,B\n")
    with pytest.raises(InputError) as exc:
        read_table(p, required=("sku", "price"), label="product export")
    e = exc.value
    assert e.row == 1 and e.column == "sku"
    assert "the required column 'sku' is missing" in str(e)
    assert "'SKU'" in str(e) and "price" in str(e)


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_table(write(tmp_path, "e.csv", ""))
    with pytest.raises(InputError, match="no file"):
        read_table(tmp_path / "nope.csv")


def test_header_only(tmp_path):
    t = read_table(write(tmp_path, "h.csv", "a,b\n"))
    assert t.frame.shape == (0, 2)
    assert list(t.frame.columns) == ["a", "b"]


def test_blank_rows_skipped_consistently(tmp_path):
    p = write(tmp_path, "x.csv", "a,b\n1,2\n,\n\n3,4\n")
    t = read_table(p)
    assert t.frame.values.tolist() == [["1", "2"], ["3", "4"]]
    assert t.line_of(1) == 5


def test_values_never_converted(tmp_path):
    p = write(tmp_path, "v.csv", "sku,barcode,price,flag\n00123,3.65275E+11,-1.50,TRUE\n")
    t = read_table(p)
    assert t.frame.iloc[0].tolist() == ["00123", "3.65275E+11", "-1.50", "TRUE"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_lines_match_python_csv_minimal_quoting(delimiter):
    # the column-wise writer quotes exactly the cells Python's csv.QUOTE_MINIMAL quotes, and joins
    # runs of all-empty columns (leading, inner, trailing) with the right number of delimiters
    import csv
    import io

    import pyarrow as pa

    from workbench.platforms.csvio import csv_lines
    rows = [["", "a,b", "", "", 'say "hi"', "x", ""], ["", "line\nbreak", "", "", "é€", "semi;colon", ""],
            ["", "tab\there", "", "", "", "cr\rx", ""]]
    cols = {f"c{i}": pa.array([r[i] for r in rows]) for i in range(len(rows[0]))}
    cols["c6"] = pa.array([None, None, None], type=pa.string())
    got = csv_lines(pa.table(cols), delimiter=delimiter).to_pylist()
    expected = []
    for r in rows:
        b = io.StringIO()
        csv.writer(b, delimiter=delimiter, lineterminator="\r\n").writerow(r)
        expected.append(b.getvalue()[:-2])
    assert got == expected
    empty = csv_lines(pa.table({"a": pa.array(["", ""]), "b": pa.array(["", ""])}), delimiter=delimiter)
    assert empty.to_pylist() == [delimiter, delimiter]


def test_lines_of_empty_cells_are_dropped(tmp_path):
    p = write(tmp_path, "e.csv", "a,b,c\n1,,\n,,\n,2,\n")
    assert read_table(p).frame.values.tolist() == [["1", "", ""], ["", "2", ""]]



def test_spreadsheet_mangled_finds_scientific_notation_only():
    import pandas as pd

    from workbench.platforms.csvio import spreadsheet_mangled
    values = pd.Series(["3.65275E+11", "1.2e+5", "EAN 123", "", "abc", " 4E10 ", "7,5E3", "1E", None],
                       index=range(10, 19))
    got = spreadsheet_mangled(values)
    assert got.tolist() == [True, True, False, False, False, True, True, False, False]
    assert list(got.index) == list(values.index)
