"""What a mailing may carry: one PDF or office document, known by its content, not by its name,
with nothing in it that runs, starts a program or loads anything when it is opened.

A file is what its name says when its bytes are that format's: a PDF starts with "%PDF-"; Word,
Excel and LibreOffice documents are zip containers holding their format's own parts (a zip of
anything else renamed ".docx" is not a Word document).

In a PDF, the names of what runs or sends (/JavaScript, /Launch, /SubmitForm, /ImportData, XFA
forms) or carries a file of its own (/EmbeddedFile) are looked for in the file and in every
stream that inflates, once or twice over (object streams hold dictionaries compressed), with
escapes such as /J#61vaScript read as the name they stand for. /JS is not looked for: it acts
only in an action of /S /JavaScript, and a name that short turns up by chance in compressed or
image data. An /OpenAction alone is the initial view Word and LibreOffice write, and a link
(/URI) waits for a click. What cannot be looked into is refused: an encrypted PDF, filters this
check does not unpack (LZW, ASCII85, ASCIIHex, RunLength; Word and LibreOffice write Flate),
more than MAX_UNPACKED inflated bytes.

In Word and Excel (OOXML) a part, its content type or a relationship to it shows macros (a VBA
project under any name, a macro-enabled main part, Excel 4.0 macro sheets, ActiveX controls),
embedded objects (OLE objects and packages; an OLE compound file under any name) and what is
loaded on opening (any relationship with TargetMode="External" except a hyperlink: a template
from the web, linked pictures, links to other workbooks). A Word chart's data, the workbook Word
embeds for it, passes when it passes these checks itself. A DDE or DDEAUTO field starts a
program. In LibreOffice documents: Basic and scripts, event listeners, macro links, DDE, and
pictures or objects linked from outside the file. A zip of more than MAX_PARTS parts or
MAX_UNPACKED bytes unpacked is refused before anything is read.

Word 97–2003 and Excel 97–2003 files (.doc, .xls) are refused: they are OLE compound files, and
what runs in them (VBA, Excel 4.0 macros in the workbook stream, embedded objects) is only seen
by parsing their binary records, which this module does not do. Saved as PDF, .docx, .xlsx,
.odt or .ods they are checked.
"""

import io
import re
import zipfile
import zlib
from urllib.parse import unquote
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SIZE = 5 * 1024 * 1024
# Flate images in a 5 MB PDF (Word writes screenshots so) inflate to some 60 MB.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 1000
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension: (content type, the part a zip container of this format always holds)
CONTAINERS = {
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "content.xml"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "content.xml"),
}
WRONG_TYPE = _(
    "Only a PDF or an office document can be attached, and its content must be what its name says."
)
ACTIVE_CONTENT = _(
    "Documents with macros or scripts cannot be attached. Please save it without them (for "
    "example as PDF)."
)
EMBEDDED = _(
    "Documents with embedded files or objects, or that load content from elsewhere when opened, "
    "cannot be attached. Please save it without them (for example as PDF)."
)
UNCHECKABLE = _(
    "The attachment cannot be checked: it is encrypted, packed in an unusual way or too large "
    "when unpacked. Please save it again without a password, for example by printing it as PDF."
)
OLD_FORMAT = _(
    "Old Word and Excel files (.doc, .xls) cannot be checked for macros. Please save the file as "
    "PDF or as .docx, .xlsx, .odt or .ods."
)

# Long names only: compressed and image data hold a short one such as /JS by chance (one 5 MB
# file of four). /JS acts only in an action of /S /JavaScript.
PDF_NAMES = {
    **dict.fromkeys(
        [b"JavaScript", b"Launch", b"SubmitForm", b"ImportData", b"XFA"], ACTIVE_CONTENT
    ),
    **dict.fromkeys([b"EmbeddedFile", b"EmbeddedFiles"], EMBEDDED),
    **dict.fromkeys(
        [b"Encrypt", b"LZWDecode", b"ASCII85Decode", b"ASCIIHexDecode", b"RunLengthDecode"],
        UNCHECKABLE,
    ),
}
# A name ends at white-space (NUL is white-space in a PDF) or a delimiter.
PDF_NAME = re.compile(rb"/(" + b"|".join(PDF_NAMES) + rb")(?![^\x00\s()<>\[\]{}/%])")
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream[^\r\n]*(?:\r\n|\r|\n)")  # its data starts on the next line

# In content types and relationship types (lower case): macros, ActiveX, and OLE objects.
OOXML_ACTIVE = ("macroenabled", "vba", "macrosheet", "activex")
ODF_ACTIVE = {"event-listener", "script", "dde-source", "dde-connection-decl", "dde-link"}
DDE_FIELD = re.compile(r"\s*DDE(AUTO)?\b", re.IGNORECASE)
# A URL, an absolute path or one outside the package (not "Pictures/1.png", "./Object 1").
OUTSIDE = re.compile(r"[a-z][a-z0-9+.-]*:|[/\\]|\.\./", re.IGNORECASE)


def attachment_type(name: str, data: bytes) -> str:
    """The content type of the attachment `name` with `data`; ValidationError if it is too
    large, not what its name says, or carries something that runs or loads."""
    if len(data) > MAX_SIZE:
        raise ValidationError(_("The attachment is larger than 5 MB."))
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in (".doc", ".xls"):
        raise ValidationError(OLD_FORMAT)
    if extension == ".pdf" and data.startswith(b"%PDF-"):
        check_pdf(data)
        return "application/pdf"
    if extension in CONTAINERS and data.startswith(b"PK\x03\x04"):
        content_type, part = CONTAINERS[extension]
        check_container(data, part)
        return content_type
    raise ValidationError(WRONG_TYPE)


def check_pdf(data: bytes) -> None:
    """Refuses the PDF `data` if it or a stream in it names something that runs."""
    check_pdf_names(data)
    budget, view = MAX_UNPACKED, memoryview(data)
    for match in PDF_STREAM.finditer(data):
        unpacked = inflate(view[match.end() :], budget)
        while unpacked:  # inflated again: a stream can be deflated twice over
            budget -= len(unpacked)
            if budget < 0:
                raise ValidationError(UNCHECKABLE)
            check_pdf_names(unpacked)
            unpacked = inflate(memoryview(unpacked), budget)


def check_pdf_names(data: bytes | bytearray) -> None:
    if b"#" in data:
        data = PDF_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), data)
    if found := PDF_NAME.search(data):
        raise ValidationError(PDF_NAMES[found[1]])


def inflate(data: memoryview, limit: int) -> bytearray:
    """What the zlib stream at the start of `data` inflates to as far as it is intact, up to one
    byte more than `limit`; nothing if `data` does not start with one."""
    inflater, unpacked = zlib.decompressobj(), bytearray()
    for start in range(0, len(data), 4096):  # in pieces: a reader shows a damaged stream's start
        try:
            unpacked += inflater.decompress(data[start : start + 4096], limit + 1 - len(unpacked))
        except zlib.error:
            break
        if inflater.eof or len(unpacked) > limit:
            break
    return unpacked


def check_container(data: bytes, required: str, embedded: bool = False) -> None:
    """Refuses the zip container `data` if it lacks the part `required`, is too large or holds
    something that runs or loads. An `embedded` container may embed nothing itself."""
    try:
        container = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError(WRONG_TYPE) from None
    with container:
        parts = container.infolist()
        if required not in container.namelist():
            raise ValidationError(WRONG_TYPE)
        if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
            raise ValidationError(UNCHECKABLE)
        try:
            for part in parts:
                check_part(container, part, embedded)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
            raise ValidationError(UNCHECKABLE) from None  # damaged, encrypted, unusually packed
        except ElementTree.ParseError:  # Word would "repair" it, reading who knows what
            raise ValidationError(UNCHECKABLE) from None


def check_part(container: zipfile.ZipFile, part: zipfile.ZipInfo, embedded: bool) -> None:
    name = unquote(part.filename).replace("\\", "/").lower()
    with container.open(part) as stream:
        start = stream.read(len(OLE))
    if name.endswith("vbaproject.bin") or name.startswith(("basic/", "scripts/")):
        raise ValidationError(ACTIVE_CONTENT)
    if "macrosheets/" in name or "activex/" in name:
        raise ValidationError(ACTIVE_CONTENT)
    if "externallinks/" in name:
        raise ValidationError(EMBEDDED)
    # An embedded object, or an OLE compound file (a VBA project, an object) under any name;
    # a Word chart's data is a workbook Word embeds.
    if "embeddings/" in name or start.startswith((OLE, b"PK\x03\x04")):
        if embedded or start == OLE or not name.endswith(".xlsx"):
            raise ValidationError(EMBEDDED)
        check_container(container.read(part), "xl/workbook.xml", embedded=True)
    if name == "[content_types].xml" or name.endswith(".rels"):
        check_package_types(container, part)
    elif name.startswith("word/") and name.endswith(".xml"):
        check_fields(container, part)
    elif name.rsplit("/", 1)[-1] in ("content.xml", "styles.xml"):
        check_odf(container, part)


def elements(container: zipfile.ZipFile, part: zipfile.ZipInfo):
    """The elements of the XML `part` as each ends, with its local name."""
    with container.open(part) as stream:
        # Expat (2.4 and later) limits entity expansion; ElementTree resolves no external ones.
        for _event, element in ElementTree.iterparse(stream):  # noqa: S314
            yield element.tag.rsplit("}", 1)[-1], element
            element.clear()


def attribute(element: ElementTree.Element, name: str) -> str:
    """The value of the attribute `name` in whichever namespace."""
    return next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == name), "")


def check_package_types(container: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """[Content_Types].xml and relationships: a part's type, and what loads from outside."""
    for tag, element in elements(container, part):
        kind = (element.get("ContentType") or element.get("Type") or "").lower()
        if any(marker in kind for marker in OOXML_ACTIVE):
            raise ValidationError(ACTIVE_CONTENT)
        if "oleobject" in kind:
            raise ValidationError(EMBEDDED)
        external = (element.get("TargetMode") or "").strip().lower() == "external"
        if tag == "Relationship" and external and not kind.endswith("/hyperlink"):
            raise ValidationError(EMBEDDED)


def check_fields(container: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Word's fields: one whose code starts with DDE or DDEAUTO starts a program. A code can be
    written in several pieces, and fields nest."""
    codes, finished = [], []  # the codes of the fields open at this point, of those closed
    for tag, element in elements(container, part):
        kind = attribute(element, "fldCharType") if tag == "fldChar" else ""
        if tag == "fldSimple":
            finished.append(attribute(element, "instr"))
        elif tag == "instrText" and codes:
            codes[-1] += element.text or ""
        elif tag == "instrText":
            finished.append(element.text or "")
        elif kind == "begin":
            codes.append("")
        elif kind == "end" and codes:
            finished.append(codes.pop())
    if any(DDE_FIELD.match(code) for code in finished + codes):
        raise ValidationError(ACTIVE_CONTENT)


def check_odf(container: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """LibreOffice's content and styles: event listeners, scripts, DDE, macro links, and pictures
    or objects linked from outside the file (a link in the text waits for a click)."""
    for tag, element in elements(container, part):
        if tag in ODF_ACTIVE:
            raise ValidationError(ACTIVE_CONTENT)
        for key, value in element.attrib.items():
            value = value.strip().lower()
            if value.startswith(("macro:", "vnd.sun.star.script:")):
                raise ValidationError(ACTIVE_CONTENT)
            if key.endswith("}href") and tag != "a" and OUTSIDE.match(value):
                raise ValidationError(EMBEDDED)
