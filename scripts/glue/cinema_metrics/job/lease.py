"""One writer at a time, enforced by the state itself: a lease object with an expiry.

`LEASE.json` names the run that may write the state and until when. A run takes it before it
changes anything (a new lease with `put_new`, an expired or released one with `put_replacing`
on the tag it read), renews it between its phases (`put_replacing` again: a run whose lease
was taken over finds out at its next renewal and stops before its next write), and releases
it at the end. A second run that finds a live lease stops with one line naming the holder,
having changed nothing, or waits for it (`wait_seconds`).

The expiry must outlast the longest gap between renewals: the default (2 hours) is longer
than the Glue job's whole timeout. A run killed without releasing (SIGKILL, a lost host)
leaves a lease that expires; the next run then takes it and deletes what the dead run staged.
A Glue retry is a new attempt of the same job run (`JOB_RUN_ID` and `JOB_RUN_ID_attempt_<n>`):
Glue starts it only after the previous attempt ended, so it takes over that attempt's lease
at once instead of waiting for the expiry; if the old attempt was a zombie still running, its
next renewal fails and it stops.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass

from cinema_metrics.errors import CliError
from cinema_metrics.job import layout
from cinema_metrics.storage import Store

DEFAULT_SECONDS = 7200
POLL_SECONDS = 2.0


class LeaseHeld(CliError):
    """Another live run holds the state."""


class LeaseLost(CliError):
    """This run's lease was taken over (it outlived its expiry): it must stop writing. A CliError:
    the command line reports it in one line (exit 2), as it reports LeaseHeld."""


@dataclass(frozen=True)
class Holder:
    run: str
    group: str  # runs of one group may take over each other's lease (attempts of a Glue job run)
    host: str
    pid: int
    acquired_at: float
    expires_at: float
    released: bool = False

    def live(self, now: float) -> bool:
        return not self.released and now < self.expires_at

    def describe(self) -> str:
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.acquired_at))
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.expires_at))
        return f"run {self.run} (host {self.host}, pid {self.pid}) since {since}, lease until {until}"


def glue_group(job_run_id: str) -> str:
    """The job run an attempt belongs to: Glue names retries <JOB_RUN_ID>_attempt_<n>."""
    return job_run_id.split("_attempt_", 1)[0]


def read_holder(state: Store) -> tuple[Holder | None, str | None]:
    found = state.get_versioned(layout.LEASE)
    if found is None:
        return None, None
    return Holder(**json.loads(found.data)), found.etag


class Lease:
    """A lease this run holds; `renew` before each phase that writes, `release` at the end."""

    def __init__(self, state: Store, holder: Holder, etag: str, seconds: float):
        self.state, self.holder, self.etag, self.seconds = state, holder, etag, seconds

    @classmethod
    def acquire(
        cls, state: Store, run: str, group: str | None = None, seconds: float = DEFAULT_SECONDS,
        wait_seconds: float = 0.0,
    ) -> Lease:  # fmt: skip
        """Take the state's lease, waiting up to wait_seconds for a live holder to finish."""
        deadline = time.time() + wait_seconds
        while True:
            now = time.time()
            mine = Holder(run, group or run, socket.gethostname(), os.getpid(), now, now + seconds)
            body = json.dumps(asdict(mine)).encode()
            current, etag = read_holder(state)
            if current is None:
                new_tag = state.put_new(layout.LEASE, body)
            elif not current.live(now) or (group is not None and current.group == group):
                new_tag = state.put_replacing(layout.LEASE, body, etag or "")
            else:
                new_tag = None
                if now >= deadline:
                    raise LeaseHeld(
                        f"{state.url(layout.LEASE)}: the state is in use by {current.describe()}; "
                        "this run changed nothing. Wait for it (--wait-for-lease SECONDS), or, if that "
                        "run is dead, for its lease to expire"
                    )
            if new_tag is not None:
                return cls(state, mine, new_tag, seconds)
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.time())) or 0.1)

    def renew(self) -> None:
        """Extend the expiry; LeaseLost when another run took the lease in the meantime."""
        now = time.time()
        renewed = Holder(**{**asdict(self.holder), "expires_at": now + self.seconds})
        tag = self.state.put_replacing(layout.LEASE, json.dumps(asdict(renewed)).encode(), self.etag)
        if tag is None:
            current, _ = read_holder(self.state)
            by = current.describe() if current else "nobody (the lease object is gone)"
            raise LeaseLost(
                f"{self.state.url(layout.LEASE)}: run {self.holder.run} lost its lease to {by}; "
                "it stops before writing anything more"
            )
        self.holder, self.etag = renewed, tag

    def release(self) -> None:
        """Mark the lease released (a conditional write: never clobbers a newer holder)."""
        released = Holder(**{**asdict(self.holder), "released": True})
        self.state.put_replacing(layout.LEASE, json.dumps(asdict(released)).encode(), self.etag)


def break_lease(state: Store, run: str) -> bool:
    """Release the lease of `run`, which the operator knows is dead (a SIGKILLed CLI run), so the
    next run need not wait for its expiry. Conditional on the holder still being `run`: a lease
    another run took in the meantime is left alone. If `run` was in fact alive, it finds out at
    its next renewal and stops (LeaseLost) before writing anything more."""
    current, etag = read_holder(state)
    if current is None or current.run != run or current.released:
        return False
    released = Holder(**{**asdict(current), "released": True})
    return state.put_replacing(layout.LEASE, json.dumps(asdict(released)).encode(), etag or "") is not None
