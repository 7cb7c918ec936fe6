"""What a mailing may carry: one PDF or office document, known by its content, not by its name.

A file is what its name says when its bytes are that format's: a PDF starts with "%PDF-"; Word
97–2003 and Excel 97–2003 files are OLE compound files; Word, Excel and LibreOffice documents
are zip containers holding their format's own parts (a zip of anything else renamed ".docx" is
not a Word document). Nothing that runs goes out to the network: no macros (a VBA project in
an OLE file or an OOXML container, Basic or scripts in a LibreOffice one), no JavaScript or
launch actions in a PDF (looked for in its uncompressed parts, where readers' triggers sit).
"""

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SIZE = 5 * 1024 * 1024
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
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
# The stream every VBA project has, as an OLE directory names it (UTF-16).
VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
WRONG_TYPE = _(
    "Only a PDF or an office document can be attached, and its content must be what its name says."
)
ACTIVE_CONTENT = _(
    "Documents with macros or scripts cannot be attached. Please save it without them (for "
    "example as PDF)."
)


def attachment_type(name: str, data: bytes) -> str:
    """The content type of the attachment `name` with `data`; ValidationError if it is too
    large, not what its name says, or carries something that runs."""
    if len(data) > MAX_SIZE:
        raise ValidationError(_("The attachment is larger than 5 MB."))
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == ".pdf" and data.startswith(b"%PDF-"):
        if PDF_ACTIONS.search(data):
            raise ValidationError(ACTIVE_CONTENT)
        return "application/pdf"
    if extension in OLE_TYPES and data.startswith(OLE):
        if VBA_STREAM in data:
            raise ValidationError(ACTIVE_CONTENT)
        return OLE_TYPES[extension]
    if extension in CONTAINERS:
        content_type, part = CONTAINERS[extension]
        parts = zip_parts(data)
        if part in parts:
            if any(is_active(member) for member in parts):
                raise ValidationError(ACTIVE_CONTENT)
            return content_type
    raise ValidationError(WRONG_TYPE)


def zip_parts(data: bytes) -> set[str]:
    """The names in a zip container (none if it is not one)."""
    if not data.startswith(b"PK\x03\x04"):
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as container:
            return set(container.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return set()


def is_active(part: str) -> bool:
    """A part that holds macros or scripts: OOXML's VBA project, LibreOffice's Basic and
    scripts."""
    lowered = part.lower()
    return lowered.endswith("vbaproject.bin") or lowered.startswith(("basic/", "scripts/"))
