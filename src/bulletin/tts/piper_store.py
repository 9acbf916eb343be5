"""Piper voices on this machine: downloaded from a catalogue laid out like Piper's
voice repository, or added from a model the user already has.

A catalogue has ``voices.json`` at its root naming, per voice, its files
(``nl/nl_NL/mls/medium/nl_NL-mls-medium.onnx`` and ``.onnx.json``) with
``size_bytes`` and ``md5_digest``. Every file is checked against it; a voice is
installed as one folder that appears by a rename, so a failed or tampered
download installs nothing. Partial downloads are kept and resumed.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.core.paths import APP_NAME

MODEL_SUFFIX = ".onnx"
CONFIG_SUFFIX = ".onnx.json"
CATALOGUE_INDEX = "voices.json"
MD5_HEX = re.compile(r"[0-9a-f]{32}")  # a catalogue file's md5_digest
PARTIAL_DIR = ".partial"
READ_BLOCK = 1 << 16
DOWNLOAD_TIMEOUT_S = 30.0  # for each wait on the network
# A whole file's deadline: a minute, plus its size at a slow 50 kB/s (a 60 MB voice: 21 minutes).
DOWNLOAD_BASE_S = 60.0
SLOWEST_BYTES_PER_S = 50_000
HTTP_PARTIAL_CONTENT = 206
HTTP_RANGE_NOT_SATISFIABLE = 416
# What piper's PiperConfig.from_dict reads without a default: a config without one cannot speak.
PIPER_CONFIG_KEYS = ("num_symbols", "num_speakers", "audio.sample_rate", "espeak.voice", "phoneme_id_map")

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


def voices_dir() -> Path:
    """Where Piper voices are installed: the user's data folder (honours XDG_DATA_HOME)."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "piper"


@dataclass(frozen=True)
class InstalledVoice:
    """A Piper voice ready to speak."""

    name: str  # e.g. "nl_NL-mls-medium"
    model: Path
    language: str  # the language family, e.g. "nl"

    @property
    def profile(self) -> str:
        """The voice profile it appears as."""
        return f"piper-{self.name}"


def installed(root: Path | None = None) -> list[InstalledVoice]:
    """Every installed voice, by name."""
    root = root or voices_dir()
    found = []
    for folder in sorted(root.glob("*")) if root.is_dir() else []:
        model, config = folder / f"{folder.name}{MODEL_SUFFIX}", folder / f"{folder.name}{CONFIG_SUFFIX}"
        if folder.name.startswith(".") or not (model.is_file() and config.is_file()):
            continue
        found.append(InstalledVoice(folder.name, model, _language(config)))
    return found


def _config_data(config: Path) -> Any:
    try:
        return loads(config.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{config}: not a Piper voice config ({exc}).") from None


def _language(config: Path) -> str:
    """The language family a Piper config names ("nl" for nl_NL and nl_BE)."""
    data = _config_data(config)
    language = data.get("language", {}) if isinstance(data, dict) else {}
    voice = data.get("espeak", {}).get("voice", "") if isinstance(data, dict) else ""
    return str(language.get("family") or str(voice).split("-")[0] or "und")


def _has(data: Any, dotted: str) -> bool:
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def check_voice(model: Path, config: Path) -> None:
    """A config with what Piper reads and a model onnxruntime loads; InputError says which is not."""
    data = _config_data(config)
    missing = [key for key in PIPER_CONFIG_KEYS if not _has(data, key)]
    if missing:
        raise InputError(
            f"{config} is not a Piper voice config: it has no {', '.join(missing)}; nothing was installed."
        )
    try:
        import onnxruntime
    except ImportError:  # without the engine installed, the model is checked when the engine first loads it
        return
    try:
        onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types (InvalidProtobuf, Fail, ...), none shared
        raise InputError(
            f"{model} is not a model onnxruntime can load ({type(exc).__name__}); nothing was installed."
        ) from None


def md5_of(path: Path) -> str:
    """The file's MD5, as the catalogue gives it."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while block := stream.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _install(name: str, files: dict[str, Path], root: Path) -> Path:
    """Move ``files`` (final file name -> path) into ``root/name`` in one rename."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}."))
    try:
        for filename, source in files.items():
            shutil.copyfile(source, staging / filename)
        target = root / name
        if target.exists():  # a reinstall: the old folder goes aside, then away
            old = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}.old."))
            target.rename(old / name)
            staging.rename(target)
            shutil.rmtree(old)
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root / name / f"{name}{MODEL_SUFFIX}"


def add(model: Path, name: str | None = None, root: Path | None = None) -> InstalledVoice:
    """Install a model the user already has (its ``.onnx.json`` must lie beside it)."""
    config = model.with_name(model.name + ".json")
    if not model.exists():
        raise InputError(f"{model} does not exist.")
    if model.suffix != MODEL_SUFFIX or not model.is_file():
        raise InputError(f"{model} is not a Piper model file (NAME.onnx).")
    if not config.is_file():
        raise InputError(f"{config} not found: a Piper model needs its config beside it (NAME.onnx.json).")
    name = name or model.stem
    if not name or "/" in name or name.startswith("."):
        raise InputError(f"{name!r} cannot be a voice name; use letters, digits, '_' and '-'.")
    check_voice(model, config)
    language = _language(config)
    path = _install(name, {f"{name}{MODEL_SUFFIX}": model, f"{name}{CONFIG_SUFFIX}": config}, root or voices_dir())
    return InstalledVoice(name, path, language)


def _get(url: str, **kwargs: Any) -> Any:
    import requests

    try:
        response = requests.get(url, timeout=DOWNLOAD_TIMEOUT_S, **kwargs)
    except requests.RequestException as exc:
        raise InputError(
            f"cannot download {url} ({type(exc).__name__}). Probable cause: offline, or a wrong "
            "--from; run the same command again to resume."
        ) from None
    if response.status_code >= 400 and response.status_code != HTTP_RANGE_NOT_SATISFIABLE:
        response.close()
        raise InputError(
            f"cannot download {url}: HTTP {response.status_code}. Probable cause: no such voice "
            "in this catalogue, or a wrong --from."
        )
    return response


def catalogue_entry(name: str, base: str) -> dict[str, dict[str, Any]]:
    """The files of voice ``name`` in the catalogue at ``base``: path -> {size_bytes, md5_digest},
    each checked before anything is downloaded."""
    where = f"{base.rstrip('/')}/{CATALOGUE_INDEX}"
    response = _get(where)
    try:
        index = loads(response.content)
    except ValueError:
        raise InputError(f"{where} is not a voice catalogue (not JSON); check --from.") from None
    entry = index.get(name) if isinstance(index, dict) else None
    if not isinstance(entry, dict):
        known = ", ".join(sorted(k for k in index if str(k).startswith("nl"))) if isinstance(index, dict) else ""
        raise InputError(f"voice {name!r} is not in {where}" + (f"; Dutch voices there: {known}." if known else "."))
    files = entry.get("files")
    if not isinstance(files, dict):
        raise InputError(f'{where} lists no files for {name!r} ("files" must be a table of paths).')
    wanted = {path: meta for path, meta in files.items() if str(path).endswith((MODEL_SUFFIX, CONFIG_SUFFIX))}
    for path, meta in wanted.items():
        size = meta.get("size_bytes") if isinstance(meta, dict) else None
        digest = meta.get("md5_digest") if isinstance(meta, dict) else None
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InputError(f"{where}: {path} has no size in bytes (size_bytes), so it cannot be checked.")
        if not isinstance(digest, str) or not MD5_HEX.fullmatch(digest):
            raise InputError(f"{where}: {path} has no MD5 (md5_digest), so it cannot be checked; nothing was fetched.")
    return wanted


def _fetch(url: str, partial: Path, size: int, report: Callable[[int], None]) -> None:
    """Download ``url`` into ``partial``, resuming what is there; ``report(bytes so far)``."""
    have = partial.stat().st_size if partial.exists() else 0
    if have > size:
        partial.unlink()
        have = 0
    if have == size:
        report(have)
        return
    response = _get(url, stream=True, headers={"Range": f"bytes={have}-"} if have else {})
    with response:
        if response.status_code == HTTP_RANGE_NOT_SATISFIABLE:
            partial.unlink()
            _fetch(url, partial, size, report)
            return
        mode = "ab" if have and response.status_code == HTTP_PARTIAL_CONTENT else "wb"
        written = have if mode == "ab" else 0
        deadline = time.monotonic() + file_deadline(size)
        with partial.open(mode) as out:
            for block in response.iter_content(READ_BLOCK):
                if written + len(block) > size:  # a mirror sending more than the catalogue says: stop now
                    raise InputError(
                        f"{url} sends more than the {size} bytes {CATALOGUE_INDEX} lists; nothing was installed. "
                        "Probable cause: a damaged or tampered mirror."
                    )
                if time.monotonic() > deadline:
                    raise InputError(
                        f"{url}: not downloaded within {file_deadline(size):.0f} s; the connection is too slow. "
                        "Run the same command again to resume."
                    )
                out.write(block)
                written += len(block)
                report(written)


def file_deadline(size: int) -> float:
    """How long one file of ``size`` bytes may take to download, resumed parts included."""
    return DOWNLOAD_BASE_S + size / SLOWEST_BYTES_PER_S


def partial_report(report: Progress, before: int, total: int) -> Callable[[int], None]:
    """Progress in one file reported as progress in all of them (``before`` bytes already done)."""
    return lambda done: report(before + done, total)


def download(name: str, base: str, root: Path | None = None, progress: Progress | None = None) -> InstalledVoice:
    """Fetch voice ``name`` from the catalogue at ``base``, verify it and install it."""
    root = root or voices_dir()
    files = catalogue_entry(name, base)
    wanted = {f"{name}{MODEL_SUFFIX}", f"{name}{CONFIG_SUFFIX}"}
    if {Path(p).name for p in files} != wanted:
        raise InputError(f"the catalogue lists no {' and '.join(sorted(wanted))} for {name!r}.")
    total = sum(meta["size_bytes"] for meta in files.values())
    report = progress or (lambda done, _total: None)
    partial_dir = root / PARTIAL_DIR / name
    partial_dir.mkdir(parents=True, exist_ok=True)
    fetched: dict[str, Path] = {}
    done = 0
    for path, meta in sorted(files.items()):
        partial = partial_dir / Path(path).name
        size = meta["size_bytes"]
        _fetch(f"{base.rstrip('/')}/{path}", partial, size, partial_report(report, done, total))
        if partial.stat().st_size != size or md5_of(partial) != meta["md5_digest"]:
            partial.unlink()
            raise InputError(
                f"{Path(path).name} from {base} does not match {CATALOGUE_INDEX} (size or MD5); "
                "nothing was installed. Probable cause: a damaged or tampered mirror."
            )
        fetched[Path(path).name] = partial
        done += size
    check_voice(fetched[f"{name}{MODEL_SUFFIX}"], fetched[f"{name}{CONFIG_SUFFIX}"])
    model = _install(name, fetched, root)
    shutil.rmtree(partial_dir, ignore_errors=True)
    with contextlib.suppress(OSError):  # other voices' partial downloads may still be there
        partial_dir.parent.rmdir()
    return InstalledVoice(name, model, _language(model.with_name(model.name + ".json")))
