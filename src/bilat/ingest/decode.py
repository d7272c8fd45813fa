"""Bytes to text: UTF-8 (with or without BOM), then cp1252; binary files are refused."""

from __future__ import annotations

import codecs

SNIFF_BYTES = 8192


def looks_binary(head: bytes) -> bool:
    """NUL bytes in the first 8 KiB mean binary; UTF-16 text (which has them) is exempt."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head[:SNIFF_BYTES]


def decode(data: bytes) -> str | None:
    """The text of ``data``, or None if it is neither UTF-8 nor cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # cp1252 leaves five bytes undefined, so this still fails on real garbage.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None
