"""Text encoding of CSV files: detected from the bytes, never assumed.

Order of tests (STACK.md): a byte-order mark (UTF-8-SIG, UTF-16), then strict UTF-8 on a sample,
then charset-normalizer limited to the encodings Chinese shops export (it mis-detects short GBK
files as Korean when left free). Non-UTF-8 files are transcoded in streaming chunks to a UTF-8
temporary file that DuckDB's own CSV reader then reads.
"""

from __future__ import annotations

import codecs
import gzip
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ecomops.errors import IngestError

log = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 4 << 20
CANDIDATES = ["utf_8", "gb18030", "big5"]
MIN_EVIDENCE = 400  # non-ASCII bytes below which a Big5 verdict is not trusted

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
UTF16 = "utf-16"


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading bytes, decompressed when its name ends in ``.gz``; a damaged
    gzip stream, wherever the reading finds it, is an ``IngestError`` naming the file."""
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                yield fh  # type: ignore[misc]
        else:
            with path.open("rb") as fh:
                yield fh
    except (gzip.BadGzipFile, EOFError) as exc:
        raise IngestError(f"{path.name} is not a readable gzip file: {exc}") from exc


def _non_ascii(sample: bytes) -> int:
    return sum(1 for b in sample if b >= 0x80)


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _first_bad_utf8(path: Path) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence in ``path``, or ``None`` when it is all valid.

    Streams the whole file: ~1 GB/s here, small beside the import, and a GBK file whose first
    megabyte happens to be ASCII is then still caught before DuckDB reads it.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    with open_bytes(path) as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if chunk.isascii() and not decoder.getstate()[0]:
                offset += len(chunk)  # nothing to decode (and no sequence left open)
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


_DETECTED: dict[tuple[str, int, int], str] = {}


def detect_encoding(path: Path) -> str:
    """The encoding of the text file at ``path``: ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``...

    Remembered per file version (path, size, modification time): matching a file to a profile
    and then reading it would otherwise scan a large file twice.
    """
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _DETECTED:
        if len(_DETECTED) > 256:
            _DETECTED.clear()
        _DETECTED[key] = _detect(path)
    return _DETECTED[key]


def _detect(path: Path) -> str:
    with open_bytes(path) as fh:
        head = fh.read(SAMPLE_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    bad = _first_bad_utf8(path)
    if bad is None:
        return UTF8_SIG if head.startswith(codecs.BOM_UTF8) else UTF8
    sample = head
    if bad > len(head) - 4096:
        with open_bytes(path) as fh:
            fh.seek(max(0, bad - 4096))
            sample = fh.read(SAMPLE_BYTES)
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=CANDIDATES).best()
    if best is None or best.encoding in {"utf_8", "ascii"}:
        raise IngestError(
            f"{path.name} is not text in a supported encoding (UTF-8, GB18030/GBK, Big5 or UTF-16)"
        )
    encoding = str(best.encoding)
    if encoding == "big5" and _non_ascii(sample) < MIN_EVIDENCE and _decodes(sample, "gb18030"):
        # Too little text to tell Big5 from GBK apart: mainland shops export GBK far more often.
        encoding = "gb18030"
    # GB18030 is a superset of GBK and GB2312: decode with it whatever the detector named.
    if encoding in {"gbk", "gb2312", "gb18030", "hz"}:
        encoding = "gb18030"
    log.debug("%s: detected %s", path, encoding)
    return encoding


def transcode_to_utf8(path: Path, encoding: str, dest: Path) -> Path:
    """Write ``path`` decoded from ``encoding`` to ``dest`` as UTF-8, in chunks; return ``dest``."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open_bytes(path) as src, dest.open("w", encoding="utf-8", newline="") as out:
            first = True
            while chunk := src.read(CHUNK_BYTES):
                text = decoder.decode(chunk)
                out.write(text.lstrip("\ufeff") if first else text)
                first = False
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name} is not valid {encoding} text (bad byte at position {exc.start})"
        ) from exc
    return dest
