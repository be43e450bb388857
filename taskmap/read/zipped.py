"""Zip packages (.docx, .xlsx) read under limits: members are inflated in chunks and counted
as they inflate, per member and in total, so a header that lies about a size costs nothing;
XML parts are parsed incrementally and refused once they hold too many elements."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from io import BytesIO

from lxml import etree

from .limits import Limits

CHUNK = 1 << 20
_EOCD = b"PK\x05\x06"


def member_count(data: bytes) -> int | None:
    """The number of members the zip's end record declares (None when it has none)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    return struct.unpack_from("<H", data, at + 10)[0]


class Package:
    """One zip package, every read counted against `limits` (see the module docstring)."""

    def __init__(self, data: bytes, source: str, limits: Limits):
        count = member_count(data)
        if count not in (None, 0xFFFF):  # 0xFFFF: see the zip64 record; zipfile counts those
            limits.check("max_zip_members", count, source, "压缩包中的文件数")
        self.zip = zipfile.ZipFile(BytesIO(data))
        limits.check("max_zip_members", len(self.zip.infolist()), source,
                     "压缩包中的文件数")
        self.source, self.limits, self.inflated = source, limits, 0
        self.names = set(self.zip.namelist())

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's bytes in chunks of at most 1 MB, counted as they inflate."""
        size = 0
        with self.zip.open(name) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                self.inflated += len(chunk)
                self.limits.check("max_member_bytes", size, self.source,
                                  f"{name} 解压后的大小")
                self.limits.check("max_unzipped_bytes", self.inflated, self.source,
                                  "压缩包解压后的总大小")
                yield chunk

    def xml(self, name: str) -> etree._Element:
        """The member parsed as XML (no entities, no network), refused past the element limit;
        raises ValueError when it is not well-formed."""
        parser = etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True,
                                     remove_comments=True, remove_pis=True)
        self._feed(parser, name, keep=True)
        try:
            return parser.close()
        except etree.XMLSyntaxError as e:
            raise ValueError(f"{name} 已损坏:{e.msg}") from None

    def count_elements(self, name: str) -> None:
        """Check the member's XML element count without keeping its tree (a part another
        library parses)."""
        parser = etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True)
        self._feed(parser, name, keep=False)

    def _feed(self, parser: etree.XMLPullParser, name: str, keep: bool) -> None:
        elements = 0
        try:
            for chunk in self.chunks(name):
                parser.feed(chunk)
                for _, el in parser.read_events():
                    elements += 1
                    if not keep:  # the tree is not kept: drop what is read
                        el.clear()
                        while el.getprevious() is not None:
                            del el.getparent()[0]
                self.limits.check("max_xml_elements", elements, self.source,
                                  f"{name} 中的 XML 元素")
        except etree.XMLSyntaxError as e:
            raise ValueError(f"{name} is damaged: {e.msg}") from None
