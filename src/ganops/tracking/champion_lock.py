"""One champion decision at a time per model, across hosts, by a lock kept in MLflow itself.

The decision is read-decide-write: read the champion's gate value, compare, move the alias.
Two registrations that interleave can both read the old champion and both move the alias, and
the last write wins whether or not it is the better version.

Why a lock, and why this one. MLflow's REST API has no conditional write: aliases and tags
are blind upserts. So a compare-and-set made of "read a generation tag, write the alias,
re-read to verify" is not one: a client that has verified its write can still be overwritten
by a slower client that read before it, and nothing tells the first one. What the API does
make atomic is creating a uniquely named object: a registered model's name is the primary key
of its table in the server's database, so of two concurrent ``create_registered_model`` calls
for one name exactly one succeeds and the other gets ``RESOURCE_ALREADY_EXISTS`` (the
database's unique-constraint check: PostgreSQL, MySQL, sqlite alike; with PostgreSQL the
second insert waits for the first transaction and then fails). Creating ``NAME.champion-lock``
is therefore taking a mutex and deleting it releasing it. It lives in the tracking server's
store, so every process and host that talks to that server (or to the same database) sees
it, with no extra service. It shows in the registry's model list for as long as a decision
takes (well under a second).

Stale locks. A holder that dies leaves its lock behind, so each lock carries a random owner
token, written in the same create call. A waiter that has seen the same token for longer than
``lease`` seconds by its own clock (no comparison of clocks across hosts) deletes that lock.
Breaking is check-then-delete, which is not atomic: if two waiters break one stale lock at
once, the slower may delete the lock the faster has just taken. That needs a holder to have
died mid-decision and two registrations racing within the same moment after the lease;
the decision itself takes well under a second against a default lease of 60 s.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from ganops.errors import TrackingError

logger = logging.getLogger(__name__)

OWNER_TAG = "ganops.lock.owner"
LEASE_SECONDS = 60.0
TIMEOUT_SECONDS = 300.0


def lock_name(model_name: str) -> str:
    return f"{model_name}.champion-lock"


def _owner(client: MlflowClient, name: str) -> str | None:
    """The token of whoever holds the lock ``name`` now; None when nobody does."""
    try:
        return client.get_registered_model(name).tags.get(OWNER_TAG, "")
    except MlflowException:
        return None


def _try_acquire(client: MlflowClient, name: str, token: str) -> bool:
    try:
        client.create_registered_model(
            name,
            tags={OWNER_TAG: token},
            description="ganops: a champion decision is in progress (a lock; deleted after).",
        )
        return True
    except MlflowException:
        # Usually RESOURCE_ALREADY_EXISTS; but a create whose reply was lost and then retried
        # by the client also lands here, so the lock may be ours all the same.
        return _owner(client, name) == token


@contextmanager
def champion_lock(
    client: MlflowClient,
    model_name: str,
    lease: float = LEASE_SECONDS,
    timeout: float = TIMEOUT_SECONDS,
) -> Iterator[None]:
    """Hold the registry-wide lock of ``model_name``'s champion decision (see the module)."""
    name, token = lock_name(model_name), uuid.uuid4().hex
    started = time.monotonic()
    seen_owner, seen_since = None, started
    pause = 0.02
    while not _try_acquire(client, name, token):
        now = time.monotonic()
        owner = _owner(client, name)
        if owner != seen_owner:  # a new holder (or none): its lease starts now, by our clock
            seen_owner, seen_since = owner, now
        elif owner is not None and now - seen_since > lease:
            logger.warning("breaking the stale lock %s (held over %.0f s)", name, lease)
            _delete(client, name)
            seen_owner, seen_since = None, now
            continue
        if now - started > timeout:
            raise TrackingError(
                f"the MLflow registry lock {name!r} has been held for over {timeout:.0f} s",
                hint="another registration is deciding the champion; if none runs, "
                f"delete the registered model {name!r}",
            )
        # Jittered backoff: racers that collided should not collide again in step.
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.5)
    try:
        yield
    finally:
        # Only our own lock: had ours been broken as stale, the lock now is someone else's.
        if _owner(client, name) == token:
            _delete(client, name)


def _delete(client: MlflowClient, name: str) -> None:
    try:
        client.delete_registered_model(name)
    except MlflowException as error:  # already gone: someone broke it as stale
        logger.debug("lock %s already released (%s)", name, error)
