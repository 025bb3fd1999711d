"""Datatrace training logs from Python, standard library only.

Writes the training log format of docs/training-log.md
(``datatrace-training-log/2``) byte for byte as the TypeScript writer does:

* canonical JSON is RFC 8785 (JCS): object keys sorted by UTF-16 code units,
  no whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers
  in ECMAScript's Number-to-String form (``1``, ``0.1``, ``1e+21``, ``1e-7``;
  ``-0`` is ``0``; integers beyond 2**53 are written as the nearest double),
  lone surrogates, NaN and infinities rejected;
* ``head_0 = SHA-256("datatrace-training-log/2")`` and
  ``head_n = SHA-256(head_{n-1} || SHA-256(canonical_json(entry_n)))``;
* every line is ``canonical_json({"entry": entry_n, "head": "0x" + hex(head_n)})``.

The last head is what ``npx hardhat model register --training-log`` commits.

``DatatraceTrainingLogCallback`` has the method names of Hugging Face
``transformers.TrainerCallback`` (it works without transformers installed):
pass an instance in ``Trainer(callbacks=[...])``. Run ``python3
datatrace_training_log.py --help`` for the command line (digest a weights
directory, print a log's head).
"""

from __future__ import annotations

import decimal
import hashlib
import json
import math
import os
import sys
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

FORMAT = "datatrace-training-log/2"
GENESIS_HEAD = "0x" + hashlib.sha256(FORMAT.encode("utf-8")).hexdigest()

__all__ = [
    "FORMAT",
    "GENESIS_HEAD",
    "CanonicalJsonError",
    "canonical_json",
    "entry_digest",
    "next_head",
    "TrainingLogWriter",
    "weights_digest",
    "DatatraceTrainingLogCallback",
]


class CanonicalJsonError(ValueError):
    """A value has no RFC 8785 form (NaN, a lone surrogate, a non-string key...)."""


# --- RFC 8785 canonical JSON -------------------------------------------------


def _number(value: float) -> str:
    """ECMAScript Number::toString of a finite double (RFC 8785 section 3.2.2.3)."""
    if math.isnan(value) or math.isinf(value):
        raise CanonicalJsonError(f"{value!r} is not a finite number")
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, as ECMAScript does.
    exact = decimal.Decimal(repr(abs(value))).normalize()
    _, digit_tuple, exponent = exact.as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    k = len(digits)
    n = int(exponent) + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _string(value: str) -> str:
    out = ['"']
    for i, ch in enumerate(value):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise CanonicalJsonError(f"the string holds a lone UTF-16 surrogate \\u{code:04x} at index {i}, which has no UTF-8 form")
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _write(value: Any, path: str, out: List[str], stack: set) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        # JSON numbers are IEEE doubles: an integer beyond 2**53 is written as the nearest double, as ECMAScript would.
        try:
            out.append(_number(float(value)))
        except OverflowError:
            raise CanonicalJsonError(f"{path}: integer {value} is too large for a JSON number") from None
    elif isinstance(value, float):
        try:
            out.append(_number(value))
        except CanonicalJsonError as error:
            raise CanonicalJsonError(f"{path}: {error}") from None
    elif isinstance(value, str):
        try:
            out.append(_string(value))
        except CanonicalJsonError as error:
            raise CanonicalJsonError(f"{path}: {error}") from None
    elif isinstance(value, (list, tuple)):
        if id(value) in stack:
            raise CanonicalJsonError(f"{path}: the value contains a cycle")
        stack.add(id(value))
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, f"{path}[{i}]", out, stack)
        out.append("]")
        stack.discard(id(value))
    elif isinstance(value, dict):
        if id(value) in stack:
            raise CanonicalJsonError(f"{path}: the value contains a cycle")
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJsonError(f"{path}: object key {key!r} is not a string")
        stack.add(id(value))
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            try:
                out.append(_string(key))
            except CanonicalJsonError as error:
                raise CanonicalJsonError(f"{path} key {key!r}: {error}") from None
            out.append(":")
            _write(value[key], f"{path}.{key}", out, stack)
        out.append("}")
        stack.discard(id(value))
    else:
        raise CanonicalJsonError(f"{path}: a {type(value).__name__} has no JSON form")


def canonical_json(value: Any) -> str:
    """RFC 8785 canonical JSON text of ``value`` (dicts, lists, str, int, float, bool, None)."""
    out: List[str] = []
    _write(value, "$", out, set())
    return "".join(out)


# --- the chain ---------------------------------------------------------------


def entry_digest(entry: Dict[str, Any]) -> bytes:
    """SHA-256 of the canonical JSON of ``entry``."""
    return hashlib.sha256(canonical_json(entry).encode("utf-8")).digest()


def _head_bytes(head: str) -> bytes:
    if not (isinstance(head, str) and len(head) == 66 and head.startswith("0x") and all(c in "0123456789abcdef" for c in head[2:])):
        raise ValueError(f"a training log head is 0x + 64 lowercase hex digits; got {head!r}")
    return bytes.fromhex(head[2:])


def next_head(previous: str, entry: Dict[str, Any]) -> str:
    """head_n from head_{n-1} (0x hex) and entry_n."""
    return "0x" + hashlib.sha256(_head_bytes(previous) + entry_digest(entry)).hexdigest()


class TrainingLogWriter:
    """Appends entries to a JSON Lines training log, one canonical ``{"entry", "head"}`` line each.

    Each line is flushed and fsync'ed as it is written, so a crash loses at most the line being written.
    Reopening an existing log (``resume=True``) continues its chain from its last head.
    """

    def __init__(self, path: str, resume: bool = False) -> None:
        self.path = path
        self.head = GENESIS_HEAD
        self.count = 0
        if resume and os.path.exists(path):
            with open(path, "r", encoding="utf-8") as f:
                for line in f:
                    record = json.loads(line)
                    expected = next_head(self.head, record["entry"])
                    if expected != record["head"]:
                        raise ValueError(f"{path} line {self.count + 1}: its head does not chain; the log was altered")
                    self.head = expected
                    self.count += 1
        elif os.path.exists(path) and os.path.getsize(path) > 0:
            raise FileExistsError(f"{path} already holds a log: pass resume=True to continue it, or choose a new file")
        self._file = open(path, "a", encoding="utf-8", newline="\n")

    def append(self, entry: Dict[str, Any]) -> str:
        """Writes ``entry`` and returns the new head."""
        head = next_head(self.head, entry)
        self._file.write(canonical_json({"entry": entry, "head": head}) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.head = head
        self.count += 1
        return head

    # Entry helpers: each builds one entry kind of docs/training-log.md.

    def run_start(
        self,
        *,
        trainer: str,
        version: str,
        config: Dict[str, Any],
        datasets: Sequence[Dict[str, Any]],
        seed: Any,
        code_digest: Optional[str] = None,
        initial_weights_digest: Optional[str] = None,
        tolerance: Optional[float] = None,
        step: int = 0,
    ) -> str:
        """The first entry. ``datasets``: ``[{"tokenId": "1", "root": "0x…", "leafCount": n}]``.
        ``tolerance``: None for a deterministic trainer, else the largest per-weight difference a replay may show."""
        replay: Dict[str, Any] = {"deterministic": True} if tolerance is None else {"deterministic": False, "tolerance": tolerance}
        return self.append(
            {
                "kind": "run-start",
                "step": step,
                "format": FORMAT,
                "trainer": {"name": trainer, "version": version},
                "config": dict(config),
                "codeDigest": code_digest,
                "initialWeightsDigest": initial_weights_digest,
                "datasets": [dict(d) for d in datasets],
                "seed": seed,
                "replay": replay,
            }
        )

    def step(self, step: int, metrics: Optional[Dict[str, float]] = None, epoch: Optional[int] = None) -> str:
        entry: Dict[str, Any] = {"kind": "step", "step": step}
        if metrics:
            entry["metrics"] = dict(metrics)
        if epoch is not None:
            entry["epoch"] = epoch
        return self.append(entry)

    def epoch(self, step: int, epoch: int, metrics: Optional[Dict[str, float]] = None) -> str:
        entry: Dict[str, Any] = {"kind": "epoch", "step": step, "epoch": epoch}
        if metrics:
            entry["metrics"] = dict(metrics)
        return self.append(entry)

    def batch(self, step: int, sample_hashes: Sequence[str], labels: Optional[Sequence[str]] = None) -> str:
        """The samples of one step, as ``0x`` SHA-256 sample hashes in the order they were consumed."""
        entry: Dict[str, Any] = {"kind": "batch", "step": step, "samples": [h.lower() for h in sample_hashes]}
        if labels is not None:
            entry["labels"] = list(labels)
        return self.append(entry)

    def checkpoint(self, step: int, weights_digest: str) -> str:
        return self.append({"kind": "checkpoint", "step": step, "weightsDigest": weights_digest})

    def run_end(self, step: int, weights_digest: str, metrics: Optional[Dict[str, float]] = None) -> str:
        entry: Dict[str, Any] = {"kind": "run-end", "step": step, "weightsDigest": weights_digest}
        if metrics:
            entry["metrics"] = dict(metrics)
        return self.append(entry)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "TrainingLogWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# --- weights digests ---------------------------------------------------------


#: Paths model_signing ignores by default, relative to the model directory: its git files and its signature file.
MODEL_SIGNING_IGNORE_PATHS = (".git", ".gitattributes", ".github", ".gitignore", "model.sig")
#: The bookkeeping folder ``huggingface_hub.snapshot_download(local_dir=...)`` leaves in a download.
HF_LOCAL_DIR_METADATA = ".cache/huggingface"


def _ignored(rel: str) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in MODEL_SIGNING_IGNORE_PATHS + (HF_LOCAL_DIR_METADATA,))


def _weight_files(path: str) -> List[tuple]:
    """(POSIX relative path, absolute path) of every regular file not ignored; symbolic links refused."""
    if os.path.islink(path):
        raise ValueError(f"the weights path {path} is a symbolic link: pass the real file or directory")
    if os.path.isfile(path):
        return [(os.path.basename(path), path)]
    files = []
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):
                raise ValueError(f"weights entry {os.path.join(dirpath, name)} is a symbolic link")
        for name in filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            if _ignored(rel):
                continue
            if os.path.islink(full) or not os.path.isfile(full):
                raise ValueError(f"weights entry {full} is not a regular file")
            files.append((rel, full))
    if not files:
        raise ValueError(f"the weights at {path} contain no file")
    return files


def _file_sha256(path: str) -> bytes:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def weights_digest(path: str) -> str:
    """The weights digest Datatrace records (a ModelNFT's ``weightsHash``): the OpenSSF model_signing v1.0
    subject digest, SHA-256 over the concatenated raw SHA-256 digests of every file, files in model_signing's
    order (``PurePosixPath`` order: path components compared one by one, by code point), model_signing's
    default ignore paths left out. Equal to ``npx hardhat model manifest <path>``'s weightsHash."""
    files = sorted(_weight_files(path), key=lambda f: [part.encode("utf-8") for part in f[0].split("/")])
    h = hashlib.sha256()
    for _, full in files:
        h.update(_file_sha256(full))
    return "0x" + h.hexdigest()


# --- transformers.TrainerCallback look-alike ---------------------------------


class DatatraceTrainingLogCallback:
    """Writes a Datatrace training log from a Hugging Face ``Trainer`` run.

    Has every method name of ``transformers.TrainerCallback`` (the Trainer calls them all), without importing
    transformers: ``on_train_begin`` writes run-start, ``on_log`` a step entry with the logged metrics,
    ``on_save`` a checkpoint entry with the digest of ``<output_dir>/checkpoint-<global_step>``, ``on_epoch_end``
    an epoch entry, and ``on_train_end`` the run-end entry with the digest of ``final_weights`` (a path, or a
    function returning one, called at the end; default: the last checkpoint). Batch entries need the sample
    hashes of each step, which only the data pipeline knows: call ``log_batch(step, hashes)`` from it.
    """

    def __init__(
        self,
        log_path: str,
        *,
        trainer_name: str,
        trainer_version: str,
        datasets: Sequence[Dict[str, Any]],
        seed: Any,
        config: Optional[Dict[str, Any]] = None,
        code_digest: Optional[str] = None,
        initial_weights_digest: Optional[str] = None,
        tolerance: Optional[float] = None,
        final_weights: Any = None,
        digest: Callable[[str], str] = weights_digest,
    ) -> None:
        self.log_path = log_path
        self._start = dict(
            trainer=trainer_name,
            version=trainer_version,
            datasets=datasets,
            seed=seed,
            code_digest=code_digest,
            initial_weights_digest=initial_weights_digest,
            tolerance=tolerance,
        )
        self._config = config
        self._final_weights = final_weights
        self._digest = digest
        self.writer: Optional[TrainingLogWriter] = None
        self.last_checkpoint_digest: Optional[str] = None
        self.head: Optional[str] = None

    def _require_writer(self) -> TrainingLogWriter:
        if self.writer is None:
            raise RuntimeError("on_train_begin has not run: the log has no run-start entry yet")
        return self.writer

    @staticmethod
    def _args_config(args: Any) -> Dict[str, Any]:
        if args is None:
            return {}
        if hasattr(args, "to_dict"):
            raw = args.to_dict()
        else:
            raw = {k: v for k, v in vars(args).items() if not k.startswith("_")}
        config: Dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, float) and not math.isfinite(value):
                continue
            try:
                canonical_json(value)
            except CanonicalJsonError:
                value = str(value)
            config[str(key)] = value
        return config

    def log_batch(self, step: int, sample_hashes: Sequence[str], labels: Optional[Sequence[str]] = None) -> None:
        self._require_writer().batch(step, sample_hashes, labels)

    # TrainerCallback events. Each returns None (the Trainer keeps its control object).

    def on_init_end(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_train_begin(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        config = self._config if self._config is not None else self._args_config(args)
        self.writer = TrainingLogWriter(self.log_path)
        self.head = self.writer.run_start(config=config, step=int(getattr(state, "global_step", 0) or 0), **self._start)

    def on_epoch_begin(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_epoch_end(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        epoch = getattr(state, "epoch", None)
        if epoch is not None and float(epoch).is_integer():
            self.head = self._require_writer().epoch(int(state.global_step), int(epoch))

    def on_step_begin(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_pre_optimizer_step(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_optimizer_step(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_substep_end(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_step_end(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_evaluate(self, args: Any = None, state: Any = None, control: Any = None, metrics: Any = None, **kwargs: Any) -> None:
        return None

    def on_predict(self, args: Any = None, state: Any = None, control: Any = None, metrics: Any = None, **kwargs: Any) -> None:
        return None

    def on_prediction_step(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        return None

    def on_log(self, args: Any = None, state: Any = None, control: Any = None, logs: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        metrics = {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)}
        self.head = self._require_writer().step(int(state.global_step), metrics)

    def on_save(self, args: Any = None, state: Any = None, control: Any = None, **kwargs: Any) -> None:
        checkpoint = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        self.last_checkpoint_digest = self._digest(checkpoint)
        self.head = self._require_writer().checkpoint(int(state.global_step), self.last_checkpoint_digest)

    def on_train_end(self, args: Any = None, state: Any = None, control: Any = None, metrics: Optional[Dict[str, float]] = None, **kwargs: Any) -> None:
        final = self._final_weights() if callable(self._final_weights) else self._final_weights
        digest = self._digest(final) if final is not None else self.last_checkpoint_digest
        if digest is None:
            raise RuntimeError("no final weights to digest: pass final_weights=… or save a checkpoint during training")
        writer = self._require_writer()
        self.head = writer.run_end(int(state.global_step), digest, metrics)
        writer.close()


def _main(argv: Sequence[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Datatrace training logs (docs/training-log.md)")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("digest", help="print the weights digest of a file or directory")
    d.add_argument("path")
    h = sub.add_parser("head", help="check a log's chain and print its last head")
    h.add_argument("log")
    c = sub.add_parser("canonical", help="read JSON on stdin, print its RFC 8785 form")
    del c
    args = parser.parse_args(argv)
    if args.command == "digest":
        print(weights_digest(args.path))
    elif args.command == "head":
        head = GENESIS_HEAD
        with open(args.log, "r", encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                record = json.loads(line)
                head = next_head(head, record["entry"])
                if head != record["head"]:
                    print(f"line {number}: the recorded head is not the chain head", file=sys.stderr)
                    return 3
        print(head)
    else:
        print(canonical_json(json.loads(sys.stdin.read())))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
