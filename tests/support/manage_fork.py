"""`manage.py` in a fresh process each time, without each process importing the third-party
packages again: the processes are forked from a multiprocessing fork server that imported them
once (tests/support/manage_fork_preload.py, about 1.4 s of a 2.1 s start). Each child takes the
environment it is given, imports the project's settings from it and runs ocpizza/manage.py, as
`python ocpizza/manage.py ...` does: the path from the environment to the settings stays tested.

For short commands judged by their exit status and output (`check`, `shell -c`, `dumpdata`...).
What needs a process of its own, started by the system (release-tasks.sh, Gunicorn, Celery,
anything whose threads must outlive a command), keeps subprocess.
"""
import atexit
import locale
import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from tests.support.ops_helpers import MANAGE, REPO_DIR

_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(["tests.support.manage_fork_preload"])
_STARTED = "started"


def manage_forked(env: dict, *args, check=True, timeout=600) -> subprocess.CompletedProcess:
    """What `subprocess.run([python, "ocpizza/manage.py", *args], env=env, cwd=REPO_DIR, text=True,
    capture_output=True, check=check)` returns, from a forked child."""
    command = [sys.executable, str(MANAGE), *args]
    with tempfile.TemporaryDirectory(prefix="manage-fork-") as folder:
        paths = [str(Path(folder) / name) for name in ("stdout", "stderr", "started")]
        child = _FORKSERVER.Process(target=_run_manage_py, args=(dict(env), list(args), *paths), name="manage.py")
        try:
            child.start()
        except EOFError as error:
            raise RuntimeError("the fork server stopped while importing manage_fork_preload: its traceback is above, "
                               "in the captured stderr") from error
        child.join(timeout)
        if child.exitcode is None:
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(command, timeout, _read(paths[0]), _read(paths[1]))
        stdout, stderr, started = (_read(path) for path in paths)
    # Whatever stopped the child before manage.py ran is a fault of this helper, never the
    # non-zero status a test may be waiting for.
    if started != _STARTED:
        raise RuntimeError(f"manage.py never started in the forked child ({child.exitcode}): {started}\n{stderr}")
    result = subprocess.CompletedProcess(command, child.exitcode, stdout, stderr)
    if check:
        result.check_returncode()
    return result


def _read(path):
    # Decoded as subprocess.run(text=True) does.
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return ""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def _run_manage_py(env, args, stdout_path, stderr_path, started_path):
    """In the child: become `python ocpizza/manage.py *args` started with `env` in REPO_DIR."""
    from tests.support import manage_fork_preload as preload

    # Output goes where a subprocess' pipes would take it, from Python or from below it.
    for fd, path, stream in ((1, stdout_path, sys.__stdout__), (2, stderr_path, sys.__stderr__)):
        stream.flush()
        file_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(file_fd, fd)
        os.close(file_fd)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding=sys.__stdout__.encoding, errors=sys.__stdout__.errors,
                                       closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding=sys.__stderr__.encoding, errors=sys.__stderr__.errors,
                                       closefd=False, buffering=1)
    # What the preload read from the server's environment must be what this one says.
    if preload.ALL in preload.READ_AT_IMPORT:
        Path(started_path).write_text("a preloaded module read the whole environment at import")
        return
    changed = sorted(name for name, value in preload.READ_AT_IMPORT.items() if env.get(name) != value)
    if changed:
        Path(started_path).write_text(f"preloaded modules read {changed} at import, which this environment changes")
        return
    # os.environ changed in place: modules holding a reference to it (django-environ) read the new values.
    os.environ.clear()
    os.environ.update(env)
    os.chdir(REPO_DIR)
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    sys.argv = [str(MANAGE), *args]
    sys.path.insert(0, str(MANAGE.parent))
    Path(started_path).write_text(_STARTED)

    # The interpreter's own end: traceback, waiting for threads, atexit, exit status.
    code = 0
    try:
        runpy.run_path(str(MANAGE), run_name="__main__")
    except SystemExit as exit:
        code = exit.code
    except BaseException as error:
        # The traceback the interpreter prints, from manage.py down (without runpy's frames).
        frames = error.__traceback__
        while frames is not None and frames.tb_frame.f_code.co_filename != str(MANAGE):
            frames = frames.tb_next
        traceback.print_exception(type(error), error, frames or error.__traceback__)
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    threading._shutdown()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code & 0xFF)
