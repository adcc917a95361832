"""The width and height a JPEG or PNG declares, read from its header without decoding it.

A CompressedImage of a few kilobytes can declare 30000 x 30000 pixels (a PNG of zeros compresses
a thousandfold), and OpenCV would allocate gigabytes to decode it. Reading the declared size first
lets the face node refuse such an image before any pixel is decoded.
"""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# start-of-frame markers carry the size; C4 (Huffman tables), C8 and CC (arithmetic coding
# tables) share the range but are not frames
_JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# markers without a length field: TEM, RST0-7, SOI, EOI
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})


def declared_size(data: bytes) -> tuple[str, int, int] | None:
    """Return ``(format, width, height)`` for a PNG or JPEG header, None for anything else
    (another format, or a header cut short)."""
    if data.startswith(_PNG_SIGNATURE):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        return "png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[str, int, int] | None:
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return None  # not at a marker: corrupt
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            i += 2
            continue
        if i + 4 > len(data):
            return None
        if marker in _JPEG_FRAME_MARKERS:
            if i + 9 > len(data):
                return None
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return "jpeg", width, height
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None
