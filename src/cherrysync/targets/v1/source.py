"""A format-5 backup zip opened for reading: its index checked, ``data.json`` read as a stream.

One open file serves a whole plan or apply: the index, the scan of ``data.json`` and, for
apply, the raw copy of every other member and the second, streaming pass over ``data.json``
all read the same file, even if the path is replaced meanwhile.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cherrysync.targets import archive
from cherrysync.targets.base import TargetError
from cherrysync.targets.v1.backupdata import BackupData, read_backup
from cherrysync.targets.v1.backupzip import DATA_JSON

#: The size zip64-free members allow, with room for the new ``llm`` slice.
MAX_DATA_JSON = 2 << 30


@dataclass
class Source:
    """The open backup: the file, its zip index and the ``data.json`` member."""

    path: Path
    file: BinaryIO
    zf: zipfile.ZipFile
    info: zipfile.ZipInfo

    @property
    def infos(self) -> list[zipfile.ZipInfo]:
        return self.zf.infolist()

    @property
    def comment(self) -> bytes:
        return self.zf.comment

    def data(self) -> BackupData:
        """Scan ``data.json`` once; only the persisted state is kept."""
        with archive.zip_errors(self.path), self.zf.open(self.info) as stream:
            return read_backup(stream, MAX_DATA_JSON)


def _data_json(zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    names = [i.filename for i in zf.infolist()]
    if DATA_JSON not in names:
        hint = (
            "; it has metadata.json, so it is a direct backup (format 6 or a 2.x "
            "backup), which cherrysync reads but does not patch"
            if "metadata.json" in names
            else ""
        )
        raise TargetError(f"not a Cherry Studio 1.x backup: no data.json{hint}")
    if names.count(DATA_JSON) > 1:
        raise TargetError("not a Cherry Studio 1.x backup: data.json appears twice")
    info = zf.getinfo(DATA_JSON)
    if info.file_size > MAX_DATA_JSON:
        raise TargetError(
            f"data.json is larger than {MAX_DATA_JSON >> 30} GiB; refusing to read it"
        )
    return info


@contextmanager
def open_backup(path: Path) -> Iterator[Source]:
    """The backup at ``path``, checked to be a zip with one ``data.json``."""
    if not path.is_file():
        raise TargetError(f"backup {path} does not exist", code=2)
    with archive.zip_errors(path):
        file = path.open("rb")
    with file:
        with archive.zip_errors(path):
            zf = zipfile.ZipFile(file)
        with zf:
            with archive.zip_errors(path):
                info = _data_json(zf)
            yield Source(path, file, zf, info)
