# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hcloud client the modules use, with one place that decides every retry and every wait.

hcloud-python retries some answers itself (409 ``conflict``, 429, 502, 504,
client timeouts) with a 1 s jittered exponential backoff that ignores the
``RateLimit-*`` headers, and it repeats a create after a 504 even though the
create may have happened (the repeat then fails with ``uniqueness_error``).
Here the library's own retries are switched off and its HTTP session is
replaced by ``PacedSession``, which:

- retries 429 after the time ``RateLimit-Reset`` says one request comes back;
- retries 423 ``locked`` and 409 ``conflict`` (the request was not carried out)
  with a capped backoff;
- retries reads (GET) after 5xx answers, dropped connections and timeouts;
- never repeats a write whose fate is unknown (5xx, dropped connection): the
  modules re-read the resource and decide again (``hcloud_resource``);
- never sleeps past the module's overall deadline (``timeout``).
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

try:
    import requests

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR: Optional[ImportError] = None
except ImportError as exc:  # reported by the module with missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

try:
    import hcloud

    HAS_HCLOUD = True
    HCLOUD_IMPORT_ERROR: Optional[ImportError] = None
except ImportError as exc:
    HAS_HCLOUD = False
    HCLOUD_IMPORT_ERROR = exc

DEFAULT_ENDPOINT = "https://api.hetzner.cloud/v1"
APPLICATION = "boltfoundry.infra"
# Seconds to connect and to wait for an answer, per request.
REQUEST_TIMEOUT = (10.0, 60.0)
# The longest backoff step is this many times the first one (poll_interval).
BACKOFF_CAP_FACTOR = 5
# How often one request is tried at most (the first try included).
MAX_ATTEMPTS = 8
# Statuses after which a read is simply asked again.
RETRY_READ_STATUSES = frozenset({500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Deadline:
    """The module's overall time budget (``timeout``), shared by every wait and retry of one run."""

    def __init__(self, seconds: float, clock: Any = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def allows(self, delay: float) -> bool:
        """Whether sleeping ``delay`` seconds still ends before the deadline."""
        return delay <= self.remaining()


class Pacing:
    """Capped exponential backoff from ``first`` seconds, bounded by a ``Deadline``."""

    def __init__(self, first: float, deadline: Deadline, sleep: Any = time.sleep, clock: Any = time.monotonic) -> None:
        self.first = first
        self.cap = first * BACKOFF_CAP_FACTOR
        self.deadline = deadline
        self._sleep = sleep
        self.clock = clock

    def delay(self, attempt: int) -> float:
        """The wait before try ``attempt + 1``: first, 2 x first, 4 x first, ... up to the cap."""
        return min(self.first * (2 ** min(attempt, 30)), self.cap)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(seconds)


def rate_limit_delay(headers: Any, now: float) -> Optional[float]:
    """Seconds until the API gives one request back, from a 429's ``RateLimit-*`` headers (None if they are missing).

    ``RateLimit-Reset`` is when the whole budget is back; requests come back
    one at a time, evenly, so one is back after (reset - now) / (limit - remaining).
    """
    try:
        limit = int(headers["RateLimit-Limit"])
        remaining = int(headers["RateLimit-Remaining"])
        reset = float(headers["RateLimit-Reset"])
    except (KeyError, TypeError, ValueError):
        return None
    if remaining > 0:
        return 0.0
    missing = max(1, limit - remaining)
    return max(0.0, reset - now) / missing


def _error_code(response: Any) -> Optional[str]:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


class Retry:
    """One retry the transport made, for the module's result (``api_retries``)."""

    def __init__(self, method: str, path: str, reason: str, delay: float) -> None:
        self.method, self.path, self.reason, self.delay = method, path, reason, delay

    def as_dict(self) -> Dict[str, Any]:
        return {"method": self.method, "path": self.path, "reason": self.reason, "delay": round(self.delay, 3)}


if HAS_REQUESTS:

    class PacedSession(requests.Session):
        """A requests session that retries what is safe to retry, paced and within the deadline."""

        def __init__(self, pacing: Pacing, clock: Any = time.time) -> None:
            super().__init__()
            self.pacing = pacing
            self.retries: List[Retry] = []
            self._clock = clock

        def send(self, request: Any, **kwargs: Any) -> Any:  # pylint: disable=arguments-differ
            attempt = 0
            while True:
                failure: Optional[BaseException] = None
                response = None
                try:
                    response = super().send(request, **kwargs)
                except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                    failure = exc
                reason, delay = self._decide(request, response, failure, attempt)
                if reason is None or attempt + 1 >= MAX_ATTEMPTS or not self.pacing.deadline.allows(delay):
                    if failure is not None:
                        raise failure
                    return response
                if response is not None:
                    response.close()
                self.retries.append(Retry(str(request.method), _path(request.url), reason, delay))
                self.pacing.sleep(delay)
                attempt += 1

        def _decide(self, request: Any, response: Any, failure: Optional[BaseException], attempt: int) -> tuple:
            """(reason, delay) when the request should be sent again, else (None, 0)."""
            backoff = self.pacing.delay(attempt)
            safe = str(request.method).upper() in SAFE_METHODS
            if failure is not None:
                # A write that may have been carried out is never repeated blindly.
                return (type(failure).__name__, backoff) if safe else (None, 0.0)
            status = response.status_code
            if status == 429:
                delay = rate_limit_delay(response.headers, self._clock())
                return "rate_limit_exceeded", backoff if delay is None else max(delay, 0.0)
            if status == 423:
                return "locked", backoff
            if status == 409 and _error_code(response) == "conflict":
                return "conflict", backoff
            if status in RETRY_READ_STATUSES and safe:
                return str(status), backoff
            return None, 0.0


def _path(url: Optional[str]) -> str:
    text = url or ""
    start = text.find("/", text.find("//") + 2) if "//" in text else 0
    return text[start:].split("?", 1)[0] if start >= 0 else text


def build_client(api_token: str, api_endpoint: str, pacing: Pacing, version: str = "") -> Any:
    """An ``hcloud.Client`` whose requests go through ``PacedSession``.

    hcloud-python 2.27 offers no public way to replace its session or its retry
    policy, so the two private attributes are set here, and only here;
    ``hcloud_retry_control`` says whether that worked (a later hcloud may rename them).
    """
    client = hcloud.Client(
        api_token,
        api_endpoint=api_endpoint.rstrip("/"),
        application_name=APPLICATION,
        application_version=version or None,
        poll_interval=pacing.first,
        timeout=REQUEST_TIMEOUT,
    )
    base = getattr(client, "_client", None)
    if base is not None and hasattr(base, "_session") and hasattr(base, "_retry_max_retries"):
        base._session = PacedSession(pacing)  # pylint: disable=protected-access
        base._retry_max_retries = 0  # pylint: disable=protected-access
    return client


def retry_control(client: Any) -> bool:
    """Whether ``client`` retries through ``PacedSession`` (False: an hcloud version we cannot steer)."""
    base = getattr(client, "_client", None)
    return HAS_REQUESTS and isinstance(getattr(base, "_session", None), PacedSession)


def retries(client: Any) -> List[Dict[str, Any]]:
    """The retries made so far, oldest first."""
    session = getattr(getattr(client, "_client", None), "_session", None)
    return [retry.as_dict() for retry in getattr(session, "retries", [])]
