"""The store of attempts: every grading run, passed, failed or refused, append-only.

SQLAlchemy, so the default SQLite file (GRADER_HOME/progress.sqlite, WAL so several graders
can write at once) and a class-wide PostgreSQL server (GRADER_STORE=postgresql+psycopg://...)
are the same code. The schema is Alembic's (course/migrations/): a store is brought to the
newest revision when it is opened, and attempts and their check results cannot be updated or
deleted, by the database itself. Each attempt has a uid, so importing the same export twice
adds nothing.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .errors import InfrastructureError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A store time in UTC: SQLite hands them back without a zone (they were written in UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    registered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Registration(Base):
    """Who a learner is, as they registered in module0: the name the class knows them by."""

    __tablename__ = "registrations"
    learner: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str] = mapped_column(String(12), default="")
    region: Mapped[str] = mapped_column(String(32), default="")
    registered: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


def _uid() -> str:
    return str(uuid.uuid4())


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=_uid)  # the same attempt in any store
    learner: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    module: Mapped[str] = mapped_column(String(64), index=True)
    started: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    status: Mapped[str] = mapped_column(String(16))  # passed | failed | error
    reference: Mapped[bool] = mapped_column(Boolean, default=False)  # the shipped solution, not the learner's work
    score: Mapped[int] = mapped_column(Integer, default=0)
    max_score: Mapped[int] = mapped_column(Integer, default=0)
    backend: Mapped[str] = mapped_column(String(16), default="")
    notebook: Mapped[str] = mapped_column(Text, default="")
    notebook_sha256: Mapped[str] = mapped_column(String(64), default="")
    run_dir: Mapped[str] = mapped_column(Text, default="")
    output_notebook: Mapped[str] = mapped_column(Text, default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    exit_code: Mapped[int] = mapped_column(Integer, default=0)
    checks: Mapped[list[CheckRow]] = relationship(back_populates="attempt", cascade="all, delete-orphan",
                                                    order_by="CheckRow.id")


class CheckRow(Base):
    __tablename__ = "check_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    hint: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    exercise: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempt: Mapped[Attempt] = relationship(back_populates="checks")


def default_url() -> str:
    from .workspace import home

    return os.environ.get("GRADER_STORE") or f"sqlite:///{home() / 'progress.sqlite'}"


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        try:
            if self.url.startswith("sqlite:///"):
                from pathlib import Path

                Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args=_connect_args(self.url))
        except ImportError as exc:
            raise InfrastructureError(f"The progress store {self.url.split(':')[0]} needs a driver that is not "
                                      f"installed ({exc.name}).", f"pip install {exc.name}") from None
        except SQLAlchemyError as exc:
            raise InfrastructureError(f"The progress store URL {self.url!r} is not valid ({exc}).",
                                      "Pass an SQLAlchemy URL, e.g. sqlite:///progress.sqlite.") from None
        except OSError as exc:
            raise InfrastructureError(f"The progress store at {self.url} cannot be created ({exc.strerror}).",
                                      "Check --store / GRADER_STORE and the folder's permissions.") from None
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate(self.engine)
        except NewerStore as exc:
            raise InfrastructureError(f"The progress store at {self.url} is at schema revision {exc}, newer than "
                                      f"this grader's {HEAD}.", "Update the grader (git pull), then try again.") \
                from None
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(f"The progress store at {self.url} cannot be opened: {exc.__class__.__name__}.",
                                      "Check --store / GRADER_STORE and that the database is reachable.") from None

    def record(self, verdict, *, started: dt.datetime, backend: str, notebook: str = "",
               notebook_sha256: str = "", run_dir: str = "", reference: bool = False) -> int:
        """Store one attempt with its check results; returns the attempt id."""
        try:
            return self._record(verdict, started, backend, notebook, notebook_sha256, run_dir, reference)
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(f"The attempt could not be recorded in {self.url} ({type(exc).__name__}).",
                                      "Check that the store is writable and reachable, then grade again.") from None

    def _record(self, verdict, started, backend, notebook, notebook_sha256, run_dir, reference) -> int:
        with Session(self.engine) as session, session.begin():
            if session.get(Learner, verdict.learner) is None:
                session.add(Learner(id=verdict.learner))
                session.flush()
            attempt = Attempt(
                learner=verdict.learner, module=verdict.module[:64], started=started, finished=_now(),
                reference=reference,
                status="error" if verdict.error else ("passed" if verdict.passed else "failed"),
                score=verdict.score, max_score=verdict.max_score, backend=backend, notebook=notebook,
                notebook_sha256=notebook_sha256, run_dir=run_dir, seconds=verdict.seconds, error=verdict.error,
                output_notebook=str(Path(run_dir) / "output.ipynb") if run_dir else "",
                exit_code=verdict.exit_code,
                checks=[CheckRow(name=c.name, title=c.title, group=c.group, points=c.points, passed=c.passed,
                                 hint=c.hint, details=c.details, exercise=c.exercise) for c in verdict.checks],
            )
            session.add(attempt)
            session.flush()
            return attempt.id

    def register(self, learner: str, name: str, account_id: str = "", region: str = "") -> Registration:
        """Register a learner (or update their registration); returns the stored row."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if session.get(Learner, learner) is None:
                    session.add(Learner(id=learner))
                    session.flush()
                row = session.get(Registration, learner)
                if row is None:
                    row = Registration(learner=learner, name=name, account_id=account_id, region=region)
                    session.add(row)
                else:
                    row.name, row.account_id, row.region, row.updated = name, account_id, region, _now()
                return row
        except (SQLAlchemyError, OSError) as exc:
            raise InfrastructureError(
                f"{learner} could not be registered in {self.url} ({type(exc).__name__}).",
                "Check that the store is writable and reachable, then run the cell again.") from None

    def registration(self, learner: str) -> Registration | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(Registration, learner)

    def passed(self, learner: str, module: str) -> bool:
        """Whether the learner passed the module with their own work (reference runs do not count)."""
        query = select(Attempt.id).where(Attempt.learner == learner, Attempt.module == module,
                                         Attempt.status == "passed", Attempt.reference.is_(False)).limit(1)
        with Session(self.engine) as session:
            return session.scalar(query) is not None

    def attempts(self, learner: str | None = None, module: str | None = None) -> list[Attempt]:
        query = select(Attempt).order_by(Attempt.id)
        if learner:
            query = query.where(Attempt.learner == learner)
        if module:
            query = query.where(Attempt.module == module)
        with Session(self.engine, expire_on_commit=False) as session:
            rows = list(session.scalars(query))
            for row in rows:
                _ = row.checks  # load before the session closes
            return rows


EXPORT_FORMAT = "sagemaker-course-grader/attempts"
ATTEMPT_FIELDS = ("uid", "learner", "module", "started", "finished", "status", "reference", "score", "max_score",
                  "backend", "notebook", "notebook_sha256", "run_dir", "output_notebook", "seconds", "error",
                  "exit_code")
CHECK_FIELDS = ("name", "title", "group", "points", "passed", "hint", "details", "exercise")


def export_attempts(store: Store, learner: str | None = None) -> dict:
    """Attempts with their check results (and registrations) as one JSON-ready document."""
    attempts = []
    for row in store.attempts(learner=learner):
        item = {name: getattr(row, name) for name in ATTEMPT_FIELDS}
        item["started"], item["finished"] = _iso(row.started), _iso(row.finished)
        item["checks"] = [{name: getattr(check, name) for name in CHECK_FIELDS} for check in row.checks]
        attempts.append(item)
    with Session(store.engine) as session:
        query = select(Registration)
        if learner:
            query = query.where(Registration.learner == learner)
        registrations = [{"learner": r.learner, "name": r.name, "account_id": r.account_id, "region": r.region,
                          "registered": _iso(r.registered)} for r in session.scalars(query)]
    return {"format": EXPORT_FORMAT, "version": 1, "exported": _iso(_now()), "attempts": attempts,
            "registrations": registrations}


def check_export(document) -> None:
    """Raise ValueError unless `document` is an export of attempts this grader can import."""
    from .learners import validate

    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not an export of this grader (format {EXPORT_FORMAT!r})")
    for item in document.get("attempts", []):
        missing = [name for name in ("uid", "learner", "module", "started", "finished", "status") if not item.get(name)]
        if missing:
            raise ValueError(f"an attempt lacks {', '.join(missing)}")
        validate(item["learner"])
        for check in item.get("checks", []):
            if not all(name in check for name in ("name", "group", "points", "passed")):
                raise ValueError(f"a check of attempt {item['uid']} lacks its name, group, points or passed")


def import_attempts(store: Store, document: dict) -> tuple[int, int]:
    """Add the document's attempts that the store does not have yet (by uid); (added, already there)."""
    check_export(document)
    try:
        return _import(store, document)
    except (SQLAlchemyError, OSError) as exc:
        raise InfrastructureError(f"The attempts could not be imported into {store.url} ({type(exc).__name__}).",
                                  "Check that the store is writable and reachable, then import again.") from None


def _import(store: Store, document: dict) -> tuple[int, int]:
    added = present = 0
    with Session(store.engine) as session, session.begin():
        known = set(session.scalars(select(Attempt.uid)))  # one read, whatever the export's size
        learners = set(session.scalars(select(Learner.id)))
        for item in document.get("attempts", []):
            if item["uid"] in known:
                present += 1
                continue
            if item["learner"] not in learners:
                session.add(Learner(id=item["learner"]))
                session.flush()  # no relationship orders the inserts: the learner goes first
                learners.add(item["learner"])
            fields = {name: item.get(name) for name in ATTEMPT_FIELDS if name in item}
            fields["started"], fields["finished"] = _parse(item["started"]), _parse(item["finished"])
            session.add(Attempt(**fields, checks=[CheckRow(**{n: c.get(n) for n in CHECK_FIELDS if n in c})
                                                  for c in item.get("checks", [])]))
            known.add(item["uid"])
            added += 1
        for reg in document.get("registrations", []):
            if reg["learner"] not in learners:
                session.add(Learner(id=reg["learner"]))
                session.flush()
                learners.add(reg["learner"])
            if session.get(Registration, reg["learner"]) is None:
                session.add(Registration(learner=reg["learner"], name=reg["name"], account_id=reg.get("account_id", ""),
                                         region=reg.get("region", ""), registered=_parse(reg.get("registered"))))
    return added, present


def _connect_args(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"timeout": 30}
    if url.startswith("postgresql+psycopg"):
        return {"options": "-c timezone=UTC"}  # times come back in UTC, whatever the server's zone
    return {}


def _iso(value: dt.datetime | None) -> str | None:
    return utc(value).isoformat() if value else None


def _parse(value: str | None) -> dt.datetime:
    """An exported time; one without a zone is UTC, as the store writes them."""
    return utc(dt.datetime.fromisoformat(value)) if value else _now()


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0002"  # the newest revision under migrations/versions; a test keeps the two in step


def schema_revision(engine) -> str | None:
    """The store's Alembic revision (None: a new store, or one made before migrations)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


class NewerStore(Exception):
    """The store was migrated by a newer grader; its revision is the message."""


def migrate(engine) -> None:
    """Bring the store to HEAD. A store made before migrations (by create_all, at 0001's schema) is
    stamped 0001 first. Alembic is only imported when there is something to do."""
    revision = schema_revision(engine)
    if revision == HEAD:
        return
    if revision is not None and not any((MIGRATIONS / "versions").glob(f"{revision}_*.py")):
        raise NewerStore(revision)
    from alembic import command
    from alembic.config import Config

    with _migration_lock(engine), engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7305)"))  # one migrating grader at a time
        existing = inspect(connection)
        if not existing.has_table("alembic_version") and existing.has_table("attempts"):
            Registration.__table__.create(connection, checkfirst=True)  # stores older than module0's registrations
            command.stamp(config, "0001")
        command.upgrade(config, "head")


def _migration_lock(engine):
    """Graders opening a new SQLite store at once: one migrates, the others wait and find it done."""
    from contextlib import nullcontext

    from filelock import FileLock

    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        return nullcontext()
    return FileLock(f"{database}.migrate.lock", timeout=60)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
