"""Whole-database backups and restore (O-7).

MySQL/MariaDB: `mysqldump --single-transaction` (a consistent snapshot without locking the
shop's orders) piped into gzip; restore drops every table, then replays the dump through the
`mysql` client. SQLite: the online backup API of the open connection, then gzip.

A backup is written as `<name>.partial` and renamed only when complete, so a failed dump never
counts as one of the kept copies and never pushes a good copy out. A restore reads the whole
file first and refuses a truncated or foreign one before touching the database.
"""
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.db import connections

DUMP_END_MARKER = b"-- Dump completed"
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"  # UTC; sorts in time order as text


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator (French)."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime


def _vendor(alias):
    return connections[alias].vendor


def _database_label(alias) -> str:
    """The database's name as used in backup file names (the SQLite file's stem)."""
    connection = connections[alias]
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = Path(name).stem if "memory" not in name else "sqlite-memory"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _extension(alias) -> str:
    return "sqlite3.gz" if _vendor(alias) == "sqlite" else "sql.gz"


def _name_pattern(alias):
    return re.compile(
        rf"^{re.escape(_database_label(alias))}-(\d{{8}}-\d{{6}}-\d{{6}})\.{re.escape(_extension(alias))}$"
    )


def list_backups(*, directory: Path | None = None, alias: str = "default") -> list[BackupFile]:
    """Complete backups of this database in `directory`, oldest first."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return []
    pattern = _name_pattern(alias)
    found = []
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match:
            taken_at = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=dt_timezone.utc)
            found.append(BackupFile(path=path, taken_at=taken_at))
    return sorted(found, key=lambda backup: backup.taken_at)


def rotate_backups(*, directory: Path | None = None, keep: int, alias: str = "default") -> list[Path]:
    """Delete all but the `keep` newest backups; returns the deleted paths."""
    if keep < 1:
        raise BackupError("Il faut garder au moins une sauvegarde.")
    backups = list_backups(directory=directory, alias=alias)
    removed = [backup.path for backup in backups[:-keep]]
    for path in removed:
        path.unlink()
    return removed


# --- MySQL / MariaDB -------------------------------------------------------------------------

def _client_binary(*names):
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupError(f"Programme introuvable : {' ou '.join(names)} (paquet mariadb-client ou mysql-client).")


def _is_mariadb_client(client_binary) -> bool:
    """MariaDB's and Oracle MySQL's clients differ in a few options (TLS, GTID)."""
    return b"MariaDB" in subprocess.run([client_binary, "--version"], capture_output=True).stdout


@contextmanager
def _mysql_defaults_file(settings_dict, client_binary):
    """Credentials in a private option file: a password on the command line would show in `ps`."""
    options = settings_dict.get("OPTIONS", {})
    lines = ["[client]"]
    if settings_dict.get("USER"):
        lines.append(f"user={settings_dict['USER']}")
    if settings_dict.get("PASSWORD"):
        escaped = settings_dict["PASSWORD"].replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'password="{escaped}"')
    host = settings_dict.get("HOST") or ""
    if host.startswith("/"):  # Django reads a host starting with / as a Unix socket
        lines.append(f"socket={host}")
    elif host:
        lines.append(f"host={host}")
    if settings_dict.get("PORT"):
        lines.append(f"port={settings_dict['PORT']}")
    lines.append("default-character-set=utf8mb4")
    ssl = options.get("ssl")
    if ssl is not None:
        is_mariadb = _is_mariadb_client(client_binary)
        # The settings' TLS context (ocpizza.settings.database.tls_context), or PyMySQL's dict.
        ca_file = ssl.get("ca") if isinstance(ssl, dict) else getattr(ssl, "ca_file", "")
        if ca_file:
            lines.append(f"ssl-ca={ca_file}")
            lines.append("ssl-verify-server-cert" if is_mariadb else "ssl-mode=VERIFY_CA")
        else:
            lines.append("ssl" if is_mariadb else "ssl-mode=REQUIRED")
    handle, path = tempfile.mkstemp(prefix="ocpizza-my-", suffix=".cnf")
    try:
        with os.fdopen(handle, "w") as file:  # mkstemp creates it readable by its owner only
            file.write("\n".join(lines) + "\n")
        yield path
    finally:
        os.unlink(path)


def _dump_mysql(alias, target: Path):
    settings_dict = connections[alias].settings_dict
    binary = _client_binary("mariadb-dump", "mysqldump")
    with _mysql_defaults_file(settings_dict, binary) as defaults, tempfile.TemporaryFile() as errors:
        command = [
            binary, f"--defaults-extra-file={defaults}",
            # One consistent snapshot of InnoDB without blocking orders.
            "--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob",
            "--no-tablespaces", "--add-drop-table",
        ]
        if not _is_mariadb_client(binary):
            # MySQL 8 with GTIDs would write SET @@GLOBAL.GTID_PURGED, which only SUPER may replay.
            command.append("--set-gtid-purged=OFF")
        command.append(settings_dict["NAME"])
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
        try:
            with gzip.open(target, "wb") as output:
                shutil.copyfileobj(process.stdout, output, length=1024 * 1024)
        except BaseException:  # disk full, interrupted: do not leave mysqldump running
            process.kill()
            process.wait()
            raise
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(f"mysqldump a échoué : {errors.read().decode(errors='replace').strip()}")


def _check_mysql_dump(path: Path):
    """The whole file decompresses and ends with mysqldump's completion line."""
    tail = b""
    try:
        with gzip.open(path, "rb") as dump:
            while chunk := dump.read(1024 * 1024):
                tail = (tail + chunk)[-4096:]
    except (OSError, EOFError) as exc:
        raise BackupError(f"Le fichier {path.name} est illisible ou tronqué ({exc}).") from exc
    if DUMP_END_MARKER not in tail:
        raise BackupError(f"Le fichier {path.name} n'est pas une sauvegarde complète (fin de dump absente).")


def _restore_mysql(alias, path: Path):
    _check_mysql_dump(path)
    connection = connections[alias]
    # Tables created after the backup must go too: the restored database is the backup, exactly.
    tables = connection.introspection.table_names(include_views=False)
    with connection.cursor() as cursor:
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
        cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    connection.close()
    binary = _client_binary("mariadb", "mysql")
    settings_dict = connection.settings_dict
    with _mysql_defaults_file(settings_dict, binary) as defaults, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [binary, f"--defaults-extra-file={defaults}", settings_dict["NAME"]],
            stdin=subprocess.PIPE, stderr=errors,
        )
        with gzip.open(path, "rb") as dump:
            try:
                shutil.copyfileobj(dump, process.stdin, length=1024 * 1024)
            except BrokenPipeError:
                pass  # the client stopped on an error; its exit code and message say which
            finally:
                process.stdin.close()
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(f"La restauration a échoué : {errors.read().decode(errors='replace').strip()}")


# --- SQLite --------------------------------------------------------------------------------------

def _dump_sqlite(alias, target: Path):
    connection = connections[alias]
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as workdir:
        copy_path = Path(workdir) / "copy.sqlite3"
        copy = sqlite3.connect(copy_path)
        try:
            # The online backup API copies a consistent state even while the site writes.
            connection.connection.backup(copy)
        finally:
            copy.close()
        with open(copy_path, "rb") as source, gzip.open(target, "wb") as output:
            shutil.copyfileobj(source, output, length=1024 * 1024)


def _restore_sqlite(alias, path: Path):
    connection = connections[alias]
    with tempfile.TemporaryDirectory() as workdir:
        copy_path = Path(workdir) / "restore.sqlite3"
        try:
            with gzip.open(path, "rb") as source, open(copy_path, "wb") as output:
                shutil.copyfileobj(source, output, length=1024 * 1024)
            copy = sqlite3.connect(copy_path)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except (OSError, EOFError, sqlite3.DatabaseError) as exc:
            raise BackupError(f"Le fichier {path.name} est illisible ou tronqué ({exc}).") from exc
        if not ok:
            copy.close()
            raise BackupError(f"Le fichier {path.name} contient une base SQLite endommagée.")
        connection.ensure_connection()
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()


# --- Entry points ---------------------------------------------------------------------------------

def backup_database(*, directory: Path | None = None, keep: int | None = None, alias: str = "default") -> Path:
    """Dump the whole database to `<directory>/<db>-<UTC time>.sql.gz` and keep the newest `keep`."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError("Il faut garder au moins une sauvegarde.")
    stamp = datetime.now(dt_timezone.utc).strftime(STAMP_FORMAT)
    final = directory / f"{_database_label(alias)}-{stamp}.{_extension(alias)}"
    partial = final.with_name(final.name + ".partial")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if _vendor(alias) == "mysql":
            _dump_mysql(alias, partial)
        elif _vendor(alias) == "sqlite":
            _dump_sqlite(alias, partial)
        else:
            raise BackupError(f"Base {_vendor(alias)} non prise en charge (MySQL/MariaDB ou SQLite).")
        os.chmod(partial, 0o600)  # a dump holds customers' personal data
        partial.rename(final)
    except OSError as exc:  # full disk, missing rights, a file where the folder should be
        raise BackupError(f"Impossible d'écrire la sauvegarde dans {directory} : {exc.strerror or exc}.") from exc
    finally:
        try:
            partial.unlink(missing_ok=True)  # never leave half a dump behind
        except OSError:
            pass
    rotate_backups(directory=directory, keep=keep, alias=alias)
    return final


def restore_database(*, path: Path, alias: str = "default") -> None:
    """Replace the whole database with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sauvegarde introuvable : {path}")
    if _vendor(alias) == "mysql":
        if not path.name.endswith(".sql.gz"):
            raise BackupError("Une base MySQL/MariaDB se restaure depuis un fichier .sql.gz.")
        _restore_mysql(alias, path)
    elif _vendor(alias) == "sqlite":
        if not path.name.endswith(".sqlite3.gz"):
            raise BackupError("Une base SQLite se restaure depuis un fichier .sqlite3.gz.")
        _restore_sqlite(alias, path)
    else:
        raise BackupError(f"Base {_vendor(alias)} non prise en charge (MySQL/MariaDB ou SQLite).")


def latest_backup(*, directory: Path | None = None, alias: str = "default") -> Path:
    backups = list_backups(directory=directory, alias=alias)
    if not backups:
        raise BackupError(f"Aucune sauvegarde de cette base dans {directory or settings.BACKUP_DIR}.")
    return backups[-1].path
