"""Validated, indexed knowledge kept on disk, so that a fresh process (`python -m bot ask …`) neither
validates nor indexes texts that were validated before.

One file per knowledge directory, holding what was built from one set of its texts. Its key covers
those texts (their fingerprint), the directory's name (problems and warnings name it), the code that
validates and indexes (every module of `bot/core` and the word table), the Python version and the
installed libraries it relies on. A file whose key differs, or whose payload does not match its
checksum, or does not read back, is ignored: the knowledge is validated from the files as without a
cache (and the file replaced). Writers write a temporary file and rename it over the old one, so a
reader sees one whole file or another, never a mix.

The payload is a pickle: whoever can write the cache folder can run code as the bot, as whoever can
write its source can. It lives beside the bot's other data (`CACHE_DIR`, `.cache/` by default).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import sys
from pathlib import Path

from bot.core.knowledge import Knowledge
from bot.core.lexical import LexicalIndex
from bot.core.loader import Texts
from bot.core.semantic import TABLE, SemanticIndex

FORMAT = b"lemans-bot knowledge cache 1\n"
_CODE = Path(__file__).resolve().parent  # bot/core: the loader, the validation and both indexes
_LIBRARIES = ("numpy", "rapidfuzz", "pydantic", "pydantic_core", "yaml")


class KnowledgeCache:
    """The cache folder: `load` what `store` kept for the same texts and code, or None."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, texts: Texts) -> Knowledge | None:
        """The knowledge stored for exactly these texts, or None on any doubt."""
        try:
            head = FORMAT + _key(texts)
            data = self._path(texts).read_bytes()
        except OSError:
            return None
        checksum, payload = data[len(head) : len(head) + 32], data[len(head) + 32 :]
        if not data.startswith(head) or hashlib.sha256(payload).digest() != checksum:
            return None
        try:
            entries, sources, warnings, lexical, semantic = pickle.loads(payload)
        except Exception:  # written by other code after all: validate instead
            return None
        if not isinstance(lexical, LexicalIndex) or not isinstance(semantic, SemanticIndex):
            return None
        return Knowledge(
            entries, sources=sources, warnings=warnings, fingerprint=texts.fingerprint, indexes=(lexical, semantic)
        )

    def store(self, texts: Texts, knowledge: Knowledge) -> None:
        """Keep `knowledge` (built from `texts`) with both its indexes; what cannot be kept (a folder
        that cannot be written, an index that cannot be pickled) leaves things as they are."""
        import tempfile  # here: a cached start writes nothing

        built = (knowledge.entries, knowledge.sources, knowledge.warnings, knowledge.lexical, knowledge.semantic)
        try:
            payload = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
            data = FORMAT + _key(texts) + hashlib.sha256(payload).digest() + payload
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".knowledge-", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, self._path(texts))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return

    def _path(self, texts: Texts) -> Path:
        place = hashlib.sha256(str(texts.directory.resolve()).encode()).hexdigest()[:16]
        return self.folder / f"knowledge-{place}.pickle"


def _key(texts: Texts) -> bytes:
    """What the stored knowledge depends on, as one line."""
    key = hashlib.sha256(f"{_code()}\0{texts.directory.name}\0{texts.fingerprint}".encode()).hexdigest()
    return f"{key}\n".encode()


@functools.cache
def _code() -> str:
    """The code that validates and indexes, the word table, Python and the libraries, as installed."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_CODE.glob("*.py")):
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    for name in _LIBRARIES:  # an upgrade rewrites the package's files
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None and spec.origin else ""
        stat = os.stat(origin) if origin else None
        digest.update(f"\0{name}\0{origin}\0{stat.st_mtime_ns if stat else ''}".encode())
    for path in sorted(TABLE.iterdir()):
        stat = path.stat()
        digest.update(f"\0{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()
