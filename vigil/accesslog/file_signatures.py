"""Non-text files that ``vigil accesslog ingest`` recognises by their first bytes.

Such a file would otherwise be reported as text that is not UTF-8, whose
advice to save the file as UTF-8 does not help. ``describe_non_text_file``
returns an error that names what the file is and how to get a UTF-8 text file.
"""

from pathlib import Path

from django.utils.translation import gettext as _

# The first bytes of the compressed formats that a file of events may arrive
# in by mistake, with the command that decompresses each. They are gzip (RFC
# 1952), xz, bzip2, Zstandard (RFC 8878) and LZ4, as a frame and as the legacy
# frame that the lz4 command writes with -l.
COMPRESSED_MAGIC = (
    (b"\x1f\x8b", "gzip", "gunzip"),
    (b"\xfd7zXZ\x00", "xz", "unxz"),
    (b"BZh", "bzip2", "bunzip2"),
    (b"\x28\xb5\x2f\xfd", "Zstandard", "unzstd"),
    (b"\x04\x22\x4d\x18", "LZ4", "unlz4"),
    (b"\x02\x21\x4c\x18", "LZ4", "unlz4"),
)
# The first bytes of archives other than ZIP, with the command that unpacks
# each: 7z (kSignature of 7-Zip's 7zHeader.cpp), RAR 1.5 to 4.x and RAR 5.0
# (the marker blocks of RARLAB's format descriptions).
ARCHIVE_MAGIC = (
    (b"7z\xbc\xaf\x27\x1c", "7z", "7z x"),
    (b"Rar!\x1a\x07\x00", "RAR", "unrar x"),
    (b"Rar!\x1a\x07\x01\x00", "RAR", "unrar x"),
)
# A ZIP archive, which is also what an Excel workbook (.xlsx) is, starts with
# a local file header, or with the end record when it is empty.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# An OLE2 compound file, such as an Excel 97-2003 workbook (.xls).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The byte order marks of UTF-16, little and big endian, in which Excel saves
# "Unicode text".
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_SIGNATURES = [
    *(magic for magic, _name, _tool in COMPRESSED_MAGIC + ARCHIVE_MAGIC),
    *ZIP_MAGIC,
    OLE2_MAGIC,
    *UTF16_MARKS,
]
# The number of first bytes that describe_non_text_file needs.
MAGIC_BYTES = max(len(magic) for magic in _SIGNATURES)


def describe_non_text_file(path: Path, head: bytes) -> str | None:
    """Return the translated error of a file whose first bytes ``head`` are not text.

    Returns None when ``head`` starts as none of the recognised formats.
    """
    for magic, name, tool in COMPRESSED_MAGIC:
        if head.startswith(magic):
            return _(
                "%(path)s is compressed with %(format)s, so it is not a text "
                "file. Decompress it (%(tool)s) and ingest the result. Nothing "
                "was stored."
            ) % {"path": path, "format": name, "tool": tool}
    for magic, name, tool in ARCHIVE_MAGIC:
        if head.startswith(magic):
            return _(
                "%(path)s is a %(format)s archive, so it is not a text file. "
                "Unpack it (%(tool)s) and ingest the file of events in it. "
                "Nothing was stored."
            ) % {"path": path, "format": name, "tool": tool}
    if head.startswith(ZIP_MAGIC):
        return _(
            "%(path)s is a ZIP archive, such as an Excel workbook (.xlsx), so "
            "it is not a text file. Save the events as CSV UTF-8 or unpack "
            "the archive, and ingest the result. Nothing was stored."
        ) % {"path": path}
    if head.startswith(UTF16_MARKS):
        return _(
            '%(path)s is UTF-16 text, as Excel saves "Unicode text". Save '
            "the events as CSV UTF-8 and ingest the result. Nothing was stored."
        ) % {"path": path}
    if head.startswith(OLE2_MAGIC):
        return _(
            "%(path)s is an Office file, such as an Excel 97-2003 workbook "
            "(.xls), so it is not a text file. Save the events as CSV UTF-8 "
            "and ingest the result. Nothing was stored."
        ) % {"path": path}
    return None
