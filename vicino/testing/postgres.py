"""Pytest plugin: run the test suite against a throwaway real PostgreSQL server.

Why a plugin and not a fixture or conftest.py
---------------------------------------------
The settings module reads ``DATABASE_URL`` when it is imported, and
pytest-django imports the settings in its own ``pytest_load_initial_conftests``
hook -- before any ``conftest.py`` is loaded and long before fixtures exist.
So the only place early enough to start a server and export its URL is
another ``pytest_load_initial_conftests`` implementation, ordered with
``tryfirst`` so that it runs before pytest-django's. Such a hook is only
honoured in a plugin registered up front, hence ``-p vicino.testing.postgres``.

Usage
-----
The plugin is always loaded (``-p vicino.testing.postgres`` in addopts) and
does nothing unless asked::

    pytest --db=postgres            # or
    VICINO_TEST_DB=postgres pytest

When active it ``initdb``s a cluster in a temporary directory, starts it on a
random free port on 127.0.0.1, creates the database ``vicino`` and sets
``DATABASE_URL=postgres://postgres@127.0.0.1:PORT/vicino``; pytest-django then
creates ``test_vicino`` on that server as usual. The server is stopped and the
directory removed when pytest ends (or, failing that, at interpreter exit).

Binaries are looked up in ``$VICINO_PG_BINDIR``, then ``pg_config --bindir``,
then the newest ``/usr/lib/postgresql/*/bin``, then ``initdb`` on ``PATH``.
``initdb`` refuses to run as root, so under root everything server-side runs
as the ``postgres`` system user.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ENV_SWITCH = "VICINO_TEST_DB"
ENV_BINDIR = "VICINO_PG_BINDIR"
SUPERUSER = "postgres"  # initdb -U: the role pytest-django connects as
DATABASE = "vicino"
HOST = "127.0.0.1"
INSTALL_HINT = (
    "Install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`; "
    "macOS: `brew install postgresql`) or point VICINO_PG_BINDIR at the directory "
    "containing initdb, pg_ctl, postgres and psql."
)
# Settings that only trade durability for speed; the data is thrown away anyway.
SERVER_CONF = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
# psql creates the database; Debian ships it with the server (postgresql-client).
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres", "psql")
START_ATTEMPTS = 3  # the free port we picked can be taken before postgres binds it


class ServerStartError(Exception):
    """The test server could not be set up; reported as a usage error, not a traceback."""


@dataclass
class PostgresTestServer:
    """A running (or starting) throwaway cluster and everything needed to stop it."""

    bindir: Path
    root: Path  # temp dir: holds the data dir, the socket and the log
    run_as: pwd.struct_passwd | None  # None: run as ourselves
    owner_pid: int = field(default_factory=os.getpid)
    port: int = 0
    version: str = ""
    startup_seconds: float = 0.0
    stopped: bool = False

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@{HOST}:{self.port}/{DATABASE}"

    def banner(self) -> str:
        return (
            f"PostgreSQL {self.version} test server on {HOST}:{self.port} "
            f"(data in {self.root}, started in {self.startup_seconds:.2f}s)"
        )


_server_key = pytest.StashKey[PostgresTestServer]()


# ---------------------------------------------------------------- pytest hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help=f"Database for the test run; 'postgres' starts a throwaway server "
        f"(same as {ENV_SWITCH}=postgres).",
    )


# tryfirst: pytest-django loads the settings (and thus reads DATABASE_URL) in
# its own pytest_load_initial_conftests, which must see the URL we export.
@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    if not _wanted(early_config):
        return
    try:
        server = start_server()
    except ServerStartError as error:
        raise pytest.UsageError(f"--db=postgres: {error}") from None
    early_config.stash[_server_key] = server
    os.environ["DATABASE_URL"] = server.url


def pytest_report_header(config: pytest.Config) -> str | None:
    server = config.stash.get(_server_key, None)
    return server.banner() if server else None


# trylast: let pytest-django and others drop their test databases first.
@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_server_key, None)
    if server:
        stop_server(server)


def _wanted(config: pytest.Config) -> bool:
    ns = config.known_args_namespace
    # --help/--version load conftests too; don't make them wait for a server.
    if getattr(ns, "help", False) or getattr(ns, "version", False):
        return False
    return getattr(ns, "db", "sqlite") == "postgres" or (
        os.environ.get(ENV_SWITCH, "").lower() == "postgres"
    )


# ------------------------------------------------------------ server lifecycle


def start_server(conf: dict[str, str] | None = None) -> PostgresTestServer:
    """Start a throwaway cluster; `conf` adds postgresql.conf settings (the benchmarks size its memory)."""
    started = time.monotonic()
    bindir = find_bindir()
    run_as = _server_user()
    server = PostgresTestServer(bindir=bindir, root=_make_root(run_as), run_as=run_as)
    # Registered before anything can fail, so an aborted run still cleans up.
    atexit.register(stop_server, server)
    try:
        server.version = _server_version(server)
        _initdb(server)
        _write_config(server, conf or {})
        _start(server)
        _create_database(server)
    except BaseException:
        stop_server(server)
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def stop_server(server: PostgresTestServer) -> None:
    # A forked child (e.g. a test calling os.fork) inherits atexit handlers;
    # only the process that started the server may stop it.
    if server.stopped or os.getpid() != server.owner_pid:
        return
    server.stopped = True
    try:
        if (server.datadir / "postmaster.pid").exists():
            result = _run(server, _pg_ctl(server, "stop", "-m", "immediate"), check=False)
            if result.returncode != 0:
                _kill_postmaster(server)
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


def _kill_postmaster(server: PostgresTestServer) -> None:
    """Last resort when pg_ctl cannot stop the server: never leave one running."""
    try:
        pid = int((server.datadir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


# ------------------------------------------------------------- finding binaries


def find_bindir() -> Path:
    if configured := os.environ.get(ENV_BINDIR):
        bindir = Path(configured)
        if not _has_server_binaries(bindir):
            raise pytest.UsageError(
                f"{ENV_BINDIR}={configured} does not contain {', '.join(SERVER_BINARIES)}."
            )
        return bindir
    for candidate in _candidate_bindirs():
        if _has_server_binaries(candidate):
            return candidate
    raise pytest.UsageError(f"--db=postgres: no PostgreSQL server binaries found. {INSTALL_HINT}")


def _candidate_bindirs() -> list[Path]:
    candidates = []
    if pg_config := shutil.which("pg_config"):
        # pg_config may belong to a client-only install, hence the initdb check later.
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    candidates.extend(_debian_bindirs())
    if initdb := shutil.which("initdb"):
        # Resolve symlinks: pg_ctl/postgres live next to the real initdb.
        candidates.append(Path(initdb).resolve().parent)
    return candidates


def _debian_bindirs() -> list[Path]:
    """Debian installs each major version side by side; newest first."""

    def major(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)

    return sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=major, reverse=True)


def _has_server_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


# ------------------------------------------------------------------- steps


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise pytest.UsageError(
            "--db=postgres: initdb refuses to run as root and there is no 'postgres' "
            "system user to run it as. Run the tests as a regular user or create "
            "the user (installing the Debian postgresql package does)."
        ) from None


def _make_root(run_as: pwd.struct_passwd | None) -> Path:
    # Under root use /tmp: a TMPDIR like /root/tmp would not be traversable by
    # the postgres user. Short paths also keep the socket under the ~107 byte limit.
    parent = "/tmp" if run_as else None
    root = Path(tempfile.mkdtemp(prefix="vicino-pg-", dir=parent))
    if run_as:
        os.chown(root, run_as.pw_uid, run_as.pw_gid)
    return root


def _server_version(server: PostgresTestServer) -> str:
    output = _run(server, [str(server.bindir / "postgres"), "--version"]).stdout
    # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
    match = re.search(r"\(PostgreSQL\)\s+(\S+)", output)
    return match.group(1) if match else output.strip()


def _initdb(server: PostgresTestServer) -> None:
    # The database must be UTF-8 (accented Italian names). C.UTF-8 keeps
    # collation deterministic; plain C is the fallback where it is missing,
    # and still allows UTF8 encoding.
    for locale in ("C.UTF-8", "C"):
        result = _run(
            server,
            [
                str(server.bindir / "initdb"),
                "-D", str(server.datadir),
                "-A", "trust",
                "-U", SUPERUSER,
                "--encoding=UTF8",
                f"--locale={locale}",
                "--no-sync",  # nothing to protect, save the fsync of every file
            ],
            check=False,
        )
        if result.returncode == 0:
            return
        shutil.rmtree(server.datadir, ignore_errors=True)
    raise ServerStartError(f"initdb failed:\n{result.stdout}{result.stderr}")


def _write_config(server: PostgresTestServer, conf: dict[str, str]) -> None:
    settings = {
        "listen_addresses": HOST,
        "unix_socket_directories": str(server.root),  # keep out of /var/run/postgresql
        **SERVER_CONF,
        **conf,
    }
    lines = [f"{key} = '{value.replace(chr(39), chr(39) * 2)}'" for key, value in settings.items()]
    with open(server.datadir / "postgresql.conf", "a") as conf:
        conf.write("\n# vicino.testing.postgres\n" + "\n".join(lines) + "\n")


def _start(server: PostgresTestServer) -> None:
    for _ in range(START_ATTEMPTS):
        server.port = _free_port()
        # -l: the server's output must not go to our pipes, or run() would wait
        # for the postmaster to exit.
        command = _pg_ctl(server, "start", "-w", "-t", "60", "-l", str(server.logfile),
                          "-o", f"-p {server.port}")
        result = _run(server, command, check=False)
        if result.returncode == 0:
            return
        if "already in use" not in _log_tail(server):
            break
    raise ServerStartError(
        f"PostgreSQL test server did not start (pg_ctl exit {result.returncode}).\n"
        f"{result.stdout}{result.stderr}\n--- server log (tail) ---\n{_log_tail(server)}"
    )


def _create_database(server: PostgresTestServer) -> None:
    # Through the socket in our temp dir, as the superuser created by initdb.
    result = _run(server, _createdb_command(server), check=False)
    if result.returncode != 0:
        raise ServerStartError(
            f"creating database {DATABASE!r} failed:\n{result.stdout}{result.stderr}\n"
            f"--- server log (tail) ---\n{_log_tail(server)}"
        )


def _createdb_command(server: PostgresTestServer) -> list[str]:
    return [
        str(server.bindir / "psql"),
        "-h", str(server.root),
        "-p", str(server.port),
        "-U", SUPERUSER,
        "-d", "postgres",
        "-v", "ON_ERROR_STOP=1",
        "-c", f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' TEMPLATE template0",
    ]


# ----------------------------------------------------------------- helpers


def _pg_ctl(server: PostgresTestServer, action: str, *options: str) -> list[str]:
    return [str(server.bindir / "pg_ctl"), action, "-D", str(server.datadir), *options]


def _run(
    server: PostgresTestServer, command: list[str], *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    run_as = server.run_as
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=server.root,  # the postgres user may not be able to enter our cwd
        env=_child_env(run_as),
        user=run_as.pw_uid if run_as else None,
        group=run_as.pw_gid if run_as else None,
        extra_groups=[] if run_as else None,  # drop root's supplementary groups
    )
    if check and result.returncode != 0:
        raise ServerStartError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def _child_env(run_as: pwd.struct_passwd | None) -> dict[str, str]:
    # PG* variables from the developer's shell (PGDATA, PGPORT, PGHOST...)
    # would silently retarget pg_ctl/psql at another cluster.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    # English messages, so _start() can recognise "Address already in use".
    # (Plain C always exists; the cluster's own locale is set by initdb --locale.)
    env["LC_ALL"] = "C"
    if run_as:
        env.update(HOME=run_as.pw_dir, USER=run_as.pw_name, LOGNAME=run_as.pw_name)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _log_tail(server: PostgresTestServer, lines: int = 30) -> str:
    try:
        return "\n".join(server.logfile.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
