"""Read ``${keyring:...}`` and ``${op://...}`` references when a command uses the value.

Each machine keeps its keys where it likes: the OS keychain (through the optional ``keyring``
library, imported only when a reference needs it) or 1Password (through its ``op`` CLI). Values
are read once per run and cached as :class:`~cherrysync.secrets.Secret`; every failure is a
:class:`~cherrysync.secrets.SecretLookupError` naming the reference and what to do, never a
value. ``validate`` never comes here: it checks the syntax of references only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cherrysync.external import DEFAULT_TIMEOUT, ToolError, find_tool, run_tool
from cherrysync.secrets import KeyringRef, OpRef, Secret, SecretLookupError, StoreRef

KEYRING_HINT = "install it with: pip install 'cherrysync[keyring]'"
NO_BACKEND = (
    "no OS keychain is available (macOS Keychain, Windows Credential Manager, or on Linux a "
    "Secret Service such as GNOME Keyring or KWallet, running and unlocked); "
    "keyrings.alt provides file-based ones"
)
OP_HINT = "install the 1Password CLI (https://developer.1password.com/docs/cli/get-started/)"
OP_LIMIT = 64 * 1024  # bytes: a field, not a document
OP_TIMEOUT = DEFAULT_TIMEOUT
#: a keychain that waits on an unlock prompt or a stuck daemon gives up after this long
KEYRING_TIMEOUT = DEFAULT_TIMEOUT

#: (words in op's stderr, what cherrysync says instead of echoing it)
_OP_FAILURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("not currently signed in", "signin", "sign in", "session expired", "unauthorized"),
        "the 1Password CLI is not signed in: run 'op signin' (or set OP_SERVICE_ACCOUNT_TOKEN)",
    ),
    (
        ("isn't a vault", "isn't an item", "isn't a field", "isn't a section", "could not find"),
        "1Password has no such vault, item, section or field",
    ),
)


def _within(seconds: float, call: Callable[[], str | None]) -> str | None:
    """``call()`` on a daemon thread, given up after ``seconds`` (``TimeoutError``): keyring's
    backends are in-process and have no deadline of their own."""
    outcome: list[tuple[str | None, BaseException | None]] = []

    def run() -> None:
        try:
            outcome.append((call(), None))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append((None, exc))

    worker = threading.Thread(target=run, name="cherrysync-keyring", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise TimeoutError
    value, error = outcome[0]
    if error is not None:
        raise error
    return value


def read_keyring(ref: KeyringRef) -> str:
    """The keychain entry for ``service``/``user``; the library is imported only now."""
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:
        raise SecretLookupError(
            ref, f"the keyring library is not installed; {KEYRING_HINT}"
        ) from None
    try:
        value = _within(KEYRING_TIMEOUT, lambda: keyring.get_password(ref.service, ref.user))
    except TimeoutError:
        raise SecretLookupError(
            ref, f"the keychain did not answer within {KEYRING_TIMEOUT:g} seconds (is it locked?)"
        ) from None
    except NoKeyringError:
        raise SecretLookupError(ref, NO_BACKEND) from None
    except KeyringError as exc:
        raise SecretLookupError(ref, f"the keychain refused ({type(exc).__name__})") from None
    except Exception as exc:  # a backend's own failure (D-Bus, locked store): name only its type
        raise SecretLookupError(ref, f"the keychain failed ({type(exc).__name__})") from None
    if value is None:
        raise SecretLookupError(
            ref,
            f"the keychain has no entry for service '{ref.service}' and user '{ref.user}' "
            f"(add it with: keyring set {ref.service} {ref.user})",
        )
    return str(value)


def _op_failure(stderr: bytes, returncode: int, ref: OpRef) -> str:
    text = stderr.decode("utf-8", "replace").lower()
    for words, message in _OP_FAILURES:
        if any(w in text for w in words):
            return message
    return (
        f"op read failed (exit status {returncode}); run: op read '{ref.uri}' >/dev/null "
        "to see its message"
    )


def read_op(ref: OpRef) -> str:
    """``op read --no-newline REF``: the reference is an argument, the value comes on stdout."""
    try:
        op = find_tool("op", OP_HINT)
        argv = [op, "read", "--no-newline", ref.uri]
        run = run_tool(argv, what="op read", limit=OP_LIMIT, timeout=OP_TIMEOUT)
    except ToolError as exc:
        raise SecretLookupError(ref, exc.message) from None
    if run.returncode != 0:
        raise SecretLookupError(ref, _op_failure(run.stderr, run.returncode, ref))
    try:
        return run.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretLookupError(ref, "op printed a value that is not UTF-8 text") from None


class SecretStores:
    """Reads store references for one run, each at most once (``op`` may prompt per read)."""

    def __init__(self) -> None:
        self._cache: dict[StoreRef, Secret | SecretLookupError] = {}

    def read(self, ref: StoreRef) -> str:
        if ref not in self._cache:
            try:
                value = read_keyring(ref) if isinstance(ref, KeyringRef) else read_op(ref)
            except SecretLookupError as exc:
                self._cache[ref] = exc
            else:
                self._cache[ref] = Secret(value)
        cached = self._cache[ref]
        if isinstance(cached, SecretLookupError):
            raise SecretLookupError(cached.ref, cached.reason)
        return cached.reveal()
