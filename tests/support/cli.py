"""The `contactbook` command run the way a test needs it: in this process when only its output,
exit status and effect on the database matter, as a process when the process itself does."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from contactbook.cli.main import app

# Names the environment a command reads; None removes a variable for the run.
Env = Mapping[str, str | None]


@dataclass(frozen=True)
class Result:
    """What a run of the command left: its exit status and what it wrote."""

    code: int
    out: str
    err: str


def run_cli(*args: str, env: Env | None = None, cwd: Path | None = None) -> Result:
    """Run `contactbook ARGS` in this process, as `python -m contactbook` would.

    Not for `serve`, which would serve here and leave the database URL in our environment.
    """
    assert not args or args[0] != "serve", "serve runs as a process: run_cli_process"
    # Byte streams underneath, as a process has: `export` writes to sys.stdout.buffer.
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    code = 0
    with (
        _environment(env),
        contextlib.chdir(cwd or Path.cwd()),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            app(args=list(args), prog_name="contactbook")
        except SystemExit as exc:
            code = _exit_code(exc)
    return Result(code, _text(out), _text(err))


def run_cli_process(
    *args: str, env: Env | None = None, cwd: Path | None = None, timeout: float = 120,
    installed: bool = False,
) -> Result:  # fmt: skip
    """Run `contactbook ARGS` as its own process: `python -m contactbook`, or with `installed`
    the entry-point script that installing the package puts beside the interpreter."""
    command = [str(Path(sys.executable).with_name("contactbook"))] if installed else [
        sys.executable, "-m", "contactbook"
    ]  # fmt: skip
    environment = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout,
                          env=environment, cwd=cwd, check=False)  # fmt: skip
    return Result(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def _environment(env: Env | None) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env or {}}
    try:
        for name, value in (env or {}).items():
            _set(name, value)
        yield
    finally:
        for name, value in saved.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _exit_code(exc: SystemExit) -> int:
    # As the interpreter turns SystemExit into a status: None is 0, a message is 1.
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    sys.stderr.write(f"{exc.code}\n")
    return 1


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")
