"""Back up and restore the whole database with the access log's checkpoint file (issue 17, build 5).

A backup is a directory: the database (``pg_dump`` custom format for PostgreSQL, an SQLite online
backup for SQLite), a copy of the checkpoint file, and ``manifest.json`` naming both with their SHA-256,
the chain head at backup time and which audit key sealed it (an identifier derived from the key, never
the key). The audit key is not in the backup: the chain cannot be verified without it, so the operator
keeps it with the force's secrets, apart from the backups.

The checkpoint file is copied *before* the database is dumped, so every checkpoint in the backup is of
seals the dump holds (the sealer writes a checkpoint only after its seals commit).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from tessera.audit.checkpoints import checkpoint_path
from tessera.audit.keys import key_id
from tessera.audit.models import AuditSeal

FORMAT = 1
MANIFEST = "manifest.json"
CHECKPOINTS = "audit-checkpoints.jsonl"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    command = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return command, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sqlite_connection() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):
        raise BackupError("The SQLite database connection is not open")
    return raw


@dataclass(frozen=True)
class BackupManifest:
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    @property
    def head_seq(self) -> int:
        return int(self.data["chain"]["seq"])


def backup(directory: Path) -> BackupManifest:
    """Write a backup of the database and the checkpoint file into ``directory`` (new or empty)."""
    engine = _engine()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new directory for each backup")
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    source = checkpoint_path()
    if source.exists():
        shutil.copyfile(source, directory / CHECKPOINTS)
        files[CHECKPOINTS] = _sha256(directory / CHECKPOINTS)
    head = AuditSeal.objects.order_by("-seq").values("seq", "hash").first()
    dump = directory / DUMPS[engine]
    if engine == "postgresql":
        command, env = _pg_command("pg_dump")
        _run([*command, "--format=custom", "--file", str(dump), str(connection.settings_dict["NAME"])], env)
    else:
        target = sqlite3.connect(dump)
        try:
            # The online backup API copies a consistent snapshot while the service keeps writing.
            _sqlite_connection().backup(target)
        finally:
            target.close()
    files[DUMPS[engine]] = _sha256(dump)
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "made_at": timezone.now().isoformat(),
        "database": str(connection.settings_dict["NAME"]),
        # The head when the backup began: the dump holds at least this much of the chain.
        "chain": {"seq": head["seq"] if head else 0, "hash": head["hash"] if head else ""},
        "audit_key_id": key_id(),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupManifest(manifest)


def read_manifest(directory: Path) -> BackupManifest:
    path = directory / MANIFEST
    if not path.exists():
        raise BackupError(f"{directory} is not a Tessera backup: it has no {MANIFEST}")
    try:
        data = json.loads(path.read_text())
        files = dict(data["files"])
        engine = str(data["engine"])
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path} cannot be read as a backup manifest") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{path} is backup format {data.get('format')}; this version reads format {FORMAT}")
    if engine not in DUMPS or DUMPS[engine] not in files:
        raise BackupError(f"{path} names no database dump")
    for name, expected in files.items():
        if not (directory / name).exists():
            raise BackupError(f"{directory / name} is missing from the backup")
        if _sha256(directory / name) != expected:
            raise BackupError(
                f"{directory / name} does not match its checksum in {MANIFEST}: the backup is damaged"
            )
    return BackupManifest(data)


def restore(directory: Path) -> BackupManifest:
    """Replace the configured database with the backup's and install its checkpoint file.

    Everything is checked before anything is touched: the manifest, every file's checksum, the engine,
    the audit key, and that no checkpoint file would be overwritten (a newer one is evidence of what the
    backup lacks; move it aside and keep it).
    """
    manifest = read_manifest(directory)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(f"This backup is of a {manifest.engine} database; the configured one is {engine}")
    if manifest.data.get("audit_key_id") != key_id():
        raise BackupError(
            "This backup's access log was sealed with another audit key than the one configured: set the "
            "installation's audit key (TESSERA_AUDIT_KEY or TESSERA_AUDIT_KEY_FILE) before restoring"
        )
    backup_checkpoints = directory / CHECKPOINTS
    target_checkpoints = checkpoint_path()
    install_checkpoints = backup_checkpoints.exists()
    if install_checkpoints and target_checkpoints.exists():
        if _sha256(target_checkpoints) != _sha256(backup_checkpoints):
            raise BackupError(
                f"A checkpoint file already exists at {target_checkpoints}. Move it aside and keep it (it "
                "records what was sealed after this backup), then restore again"
            )
        install_checkpoints = False
    dump = directory / DUMPS[engine]
    if engine == "postgresql":
        command, env = _pg_command("pg_restore")
        connection.close()
        _run(
            [
                *command,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(dump),
            ],
            env,
        )
    else:
        source = sqlite3.connect(dump)
        try:
            source.backup(_sqlite_connection())
        finally:
            source.close()
    if install_checkpoints:
        target_checkpoints.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup_checkpoints, target_checkpoints)
    return manifest
