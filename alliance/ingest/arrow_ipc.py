"""Write columns of spreadsheet cells as an Arrow IPC stream, without pyarrow (the reading process's side).

pyarrow is not imported in the reading process: with numpy and the part of pandas that `pa.array` pulls in, it
takes 200 to 260 MB of that process's 512 MB of address space before a byte of the file is read. A stream is a
schema message, a record batch message and an end marker; each message is a FlatBuffers table (built back to
front, as FlatBuffers' own builder does) followed by the batch's buffers. The parent opens the file with
pyarrow (alliance.ingest.sheets). Format: https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format

A column of cells may mix types (dates and texts in one column): it is written as one Arrow column per type it
holds, each null where a cell is of another type (see `encode`).
"""

import struct
from array import array
from datetime import date, datetime, time, timedelta
from itertools import accumulate

# Cell types as calamine and the csv module give them, by the name their Arrow column carries.
KINDS = {
    str: "str",
    float: "float",
    int: "int",
    bool: "bool",
    date: "date",
    datetime: "datetime",
    time: "time",
    timedelta: "duration",
}
_EPOCH = datetime(1970, 1, 1)
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)
# Type union members (Schema.fbs) and the unit each is written in.
_UTF8, _INT, _FLOAT, _BOOL, _DATE, _TIME, _TIMESTAMP, _DURATION = 5, 2, 3, 6, 8, 9, 10, 18
_DAY, _MICRO, _DOUBLE = 0, 2, 2
_V5 = 4  # MetadataVersion
_SCHEMA, _RECORD_BATCH = 1, 3  # MessageHeader
_CONTINUATION = 0xFFFFFFFF


def encode(cells) -> list[tuple[str, int, list[bytes]]]:
    """One column of cells as Arrow columns, one per type it holds: (kind, null count, buffers).

    A column of texts only (the usual one) is written in a few passes at C speed; other cells one by one.
    """
    try:
        joined = "".join(cells)
    except TypeError:  # not texts only: numbers, dates, booleans or blanks (None) among them
        pass
    else:
        return [("str", 0, _texts(cells, joined, nulls=False))]
    classes = set(map(type, cells))
    parts = []
    for cls, kind in KINDS.items():
        if cls in classes:
            part = [cell if cell.__class__ is cls else None for cell in cells]
            parts.append(_encode_part(kind, part))
    unknown = classes - KINDS.keys() - {type(None)}
    if unknown:
        raise ValueError(f"a cell of an unexpected type ({', '.join(sorted(c.__name__ for c in unknown))})")
    return parts or [_encode_part("str", list(cells))]  # blank cells only


def _encode_part(kind: str, part: list) -> tuple[str, int, list[bytes]]:
    nulls = part.count(None)
    validity = _validity(part, nulls)
    if kind == "str":
        return kind, nulls, [validity, *_texts(part, "".join(filter(None, part)), nulls=bool(nulls))[1:]]
    if kind == "float":
        values = array("d", [0.0 if v is None else v for v in part]).tobytes()
    elif kind == "int":
        values = array("q", [0 if v is None else v for v in part]).tobytes()
    elif kind == "bool":
        values = _bitmap(part)
    elif kind == "date":
        values = array("i", [0 if v is None else v.toordinal() - _EPOCH_DAY for v in part]).tobytes()
    elif kind == "datetime":
        values = array("q", [0 if v is None else (v - _EPOCH) // _MICROSECOND for v in part]).tobytes()
    elif kind == "time":
        values = array(
            "q", [0 if v is None else ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond for v in part]
        ).tobytes()
    else:  # duration
        values = array("q", [0 if v is None else v // _MICROSECOND for v in part]).tobytes()
    return kind, nulls, [validity, values]


def _texts(cells, joined: str, nulls: bool) -> list[bytes]:
    """A text column's buffers: no validity (the caller's), offsets, UTF-8 data."""
    data = joined.encode()
    texts = ["" if cell is None else cell for cell in cells] if nulls else cells
    # Lengths by map (no Python frame a cell), summed into a list first: an array filled from the list takes two
    # thirds of the time it takes filled from the sums.
    lengths = map(len, texts) if len(data) == len(joined) else map(len, map(str.encode, texts))  # ASCII: a character is a byte
    return [b"", array("i", list(accumulate(lengths, initial=0))).tobytes(), data]


def _validity(part: list, nulls: int) -> bytes:
    """Arrow's validity bitmap: a bit per cell, least significant first, 0 for a null; none when nothing is null."""
    if not nulls:
        return b""
    return _bitmap([v is not None for v in part])


def _bitmap(flags: list) -> bytes:
    """A bit per flag, least significant first."""
    # Read as one binary number, the last flag first: a fifth of the time of setting the bits one by one.
    bits = "".join(["1" if flag else "0" for flag in reversed(flags)])
    return int(bits or "0", 2).to_bytes((len(flags) + 7) // 8, "little")


def write_stream(path, columns: list[tuple[str, tuple[str, int, list[bytes]]]], length: int) -> None:
    """Write one record batch of `length` rows as an Arrow IPC stream; columns as (name, encoded)."""
    with open(path, "wb") as out:
        out.write(_framed(_message(_SCHEMA, lambda b: _schema(b, columns), 0)))
        body, nodes, buffers = bytearray(), [], []
        for _, (_, nulls, parts) in columns:
            nodes.append((length, nulls))
            for part in parts:
                buffers.append((len(body), len(part)))
                body += part
                body += bytes(-len(body) % 8)
        out.write(_framed(_message(_RECORD_BATCH, lambda b: _record_batch(b, length, nodes, buffers), len(body))))
        out.write(body)
        out.write(struct.pack("<Ii", _CONTINUATION, 0))


def _framed(metadata: bytes) -> bytes:
    """A message's metadata as the stream frames it: continuation marker, length, and padding to 8 bytes."""
    padding = bytes(-len(metadata) % 8)
    return struct.pack("<Ii", _CONTINUATION, len(metadata) + len(padding)) + metadata + padding


def _message(header_type: int, header, body_length: int) -> bytes:
    b = _Builder()
    built = header(b)
    b.start(5)
    b.scalar(0, "h", _V5)
    b.scalar(1, "B", header_type)
    b.ref(2, built)
    b.scalar(3, "q", body_length)
    return b.finish(b.end())


def _schema(b: "_Builder", columns) -> int:
    fields = []
    for name, (kind, _, _) in columns:
        name_at = b.string(name)
        type_id, type_at = _type(b, kind)
        children = b.tables([])  # readers refuse a field without its (empty) list of children
        b.start(7)
        b.ref(0, name_at)
        b.scalar(1, "B", 1)  # nullable
        b.scalar(2, "B", type_id)
        b.ref(3, type_at)
        b.ref(5, children)
        fields.append(b.end())
    fields_at = b.tables(fields)
    b.start(2)
    b.scalar(0, "h", 0)  # little-endian
    b.ref(1, fields_at)
    return b.end()


def _type(b: "_Builder", kind: str) -> tuple[int, int]:
    """The Type union member of a cell kind and its table."""
    type_id, scalars = {
        "str": (_UTF8, ()),
        "bool": (_BOOL, ()),
        "int": (_INT, (("i", 64), ("B", 1))),  # 64 bits, signed
        "float": (_FLOAT, (("h", _DOUBLE),)),
        "date": (_DATE, (("h", _DAY),)),
        "time": (_TIME, (("h", _MICRO), ("i", 64))),
        "datetime": (_TIMESTAMP, (("h", _MICRO),)),  # no time zone
        "duration": (_DURATION, (("h", _MICRO),)),
    }[kind]
    b.start(len(scalars))
    for slot, (fmt, value) in enumerate(scalars):
        b.scalar(slot, fmt, value)
    return type_id, b.end()


def _record_batch(b: "_Builder", length: int, nodes: list[tuple[int, int]], buffers: list[tuple[int, int]]) -> int:
    nodes_at, buffers_at = b.structs(nodes), b.structs(buffers)
    b.start(3)
    b.scalar(0, "q", length)
    b.ref(1, nodes_at)
    b.ref(2, buffers_at)
    return b.end()


class _Builder:
    """Just enough of a FlatBuffers builder for Arrow's schema and record batch messages.

    The buffer is built from its end towards its start, as FlatBuffers' own builder does: an object is
    written before whatever refers to it, and every position is counted from the end (`len(self.buf)`).
    """

    def __init__(self):
        self.buf = bytearray()
        self.minalign = 1
        self.fields: list[int] = []
        self.table_end = 0

    def _prep(self, size: int, extra: int = 0) -> None:
        """Pad so that, once `extra` more bytes are written, the next write is aligned to `size`."""
        self.minalign = max(self.minalign, size)
        self.buf[:0] = bytes(-(len(self.buf) + extra) % size)

    def _put(self, fmt: str, value) -> int:
        self._prep(struct.calcsize(fmt))
        self.buf[:0] = struct.pack("<" + fmt, value)
        return len(self.buf)

    def _offset(self, target: int) -> int:
        """An unsigned offset from here to an object written before."""
        self._prep(4)
        self.buf[:0] = struct.pack("<I", len(self.buf) + 4 - target)
        return len(self.buf)

    def string(self, text: str) -> int:
        data = text.encode()
        self._prep(4, len(data) + 1)
        self.buf[:0] = struct.pack("<I", len(data)) + data + b"\0"
        return len(self.buf)

    def tables(self, targets: list[int]) -> int:
        """A vector of tables written before."""
        self._prep(4, 4 * len(targets))
        for target in reversed(targets):
            self._offset(target)
        self.buf[:0] = struct.pack("<I", len(targets))
        return len(self.buf)

    def structs(self, pairs: list[tuple[int, int]]) -> int:
        """A vector of structs of two 64-bit integers (FieldNode, Buffer)."""
        self._prep(4, 16 * len(pairs))
        self._prep(8, 16 * len(pairs))
        self.buf[:0] = b"".join(struct.pack("<qq", *pair) for pair in pairs)
        self.buf[:0] = struct.pack("<I", len(pairs))
        return len(self.buf)

    def start(self, slots: int) -> None:
        self.fields = [0] * slots
        self.table_end = len(self.buf)

    def scalar(self, slot: int, fmt: str, value) -> None:
        self.fields[slot] = self._put(fmt, value)

    def ref(self, slot: int, target: int) -> None:
        self.fields[slot] = self._offset(target)

    def end(self) -> int:
        """Close the table: its offset to its vtable, and the vtable (each field's place in the table) before it."""
        table = self._put("i", 0)
        used = list(self.fields)
        while used and not used[-1]:
            used.pop()
        for field in reversed(used):
            self._put("H", table - field if field else 0)
        self._put("H", table - self.table_end)
        vtable = self._put("H", 4 + 2 * len(used))
        struct.pack_into("<i", self.buf, len(self.buf) - table, vtable - table)
        return table

    def finish(self, root: int) -> bytes:
        self._prep(self.minalign, 4)
        self._offset(root)
        return bytes(self.buf)
