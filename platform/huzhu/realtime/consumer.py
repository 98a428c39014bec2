"""GraphQL over websockets at /graphql, speaking `graphql-transport-ws` (the protocol of the `graphql-ws` JS
client and of Apollo Client's GraphQLWsLink), on Channels and graphql-core.

Protocol (github.com/enisdenjo/graphql-ws PROTOCOL.md) as served here:
- The client must ask for the subprotocol `graphql-transport-ws`; otherwise the socket is closed with 4406.
- `connection_init` within HUZHU_WS_INIT_TIMEOUT seconds (default 10) or close 4408; a second one: close 4429.
  Authentication: the browser's session cookie (AuthMiddlewareStack), or `{"sessionToken": "..."}` in the
  init payload — the allauth headless session token (X-Session-Token of the "app" client, which with the
  default token strategy is the Django session key). A token that does not resolve to an active user, or no
  user at all: close 4403 Forbidden. Then `connection_ack`.
- `ping` → `pong` (at any time, also before the ack); `pong` is accepted and ignored.
- `subscribe` before the ack: close 4401; an id already running: close 4409; invalid JSON, an unknown type,
  a missing field, a binary frame, or a text frame over HUZHU_WS_MAX_MESSAGE_BYTES (default 64 KiB): close 4400
  (the ASGI server's own limit, uvicorn --ws-max-size, closes larger frames with 1009).
- More than HUZHU_WS_MAX_SUBSCRIPTIONS (default 50) running on one connection: that `subscribe` gets an `error`
  message with extensions.code TOO_MANY_SUBSCRIPTIONS; the connection and its other subscriptions go on.
- Subscriptions: validation and subscribe-time errors → `error` (no `complete`); events → `next`; a role revoked
  mid-stream → `error` with code PERMISSION_DENIED (no `complete`); a client's `complete` stops the stream
  silently. Queries are executed too (`next` then `complete`); mutations are refused (use POST /graphql).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import time
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationType,
    Visitor,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.subscribe import create_source_event_stream

from .hub import STATS_EVERY, SlowConsumer, hub, lag
from .subscriptions import Revoked

log = logging.getLogger(__name__)

SUBPROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT = float(os.environ.get("HUZHU_WS_INIT_TIMEOUT", "10"))
MAX_SUBSCRIPTIONS = int(os.environ.get("HUZHU_WS_MAX_SUBSCRIPTIONS", "50"))
MAX_MESSAGE_BYTES = int(os.environ.get("HUZHU_WS_MAX_MESSAGE_BYTES", str(64 * 1024)))
MAX_ID_LENGTH = 128


def _schema() -> Any:
    from huzhu.graphql.schema import schema

    return schema.graphql_schema


# Build the root schema (every app's types) when the ASGI app loads, not on the first subscription.
_schema()


def _rules() -> list[Any]:
    from huzhu.graphql.limits import validation_rules

    return [*specified_rules, *validation_rules()]


@functools.lru_cache(maxsize=512)
def _parse_and_validate(query: str) -> tuple[Any, tuple[GraphQLError, ...]]:
    """Parsed and validated once per distinct document text: a thousand clients sending the same
    subscription cost one validation (the document is not changed by execution)."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc,)
    return document, tuple(validate(_schema(), document, _rules()))


_USES_VARIABLES: dict[tuple[str, str | None], bool] = {}


def _result_uses_variables(query: str, operation_name: str | None, document: Any) -> bool:
    """Whether an event's result can depend on the operation's variables. Not when they are used only as
    arguments of the root subscription fields (`taskChanged(regionId: $r) { ... }`): those choose the stream,
    and event types resolve from the event alone — so subscribers of different regions share one rendering
    of an event (one per document, not one per document and region). Fragments: assumed to depend."""
    key = (query, operation_name)
    found = _USES_VARIABLES.get(key)
    if found is None:
        operation = get_operation_ast(document, operation_name)
        if operation is None or len(document.definitions) != 1:
            found = True
        else:
            in_root_arguments = sum(
                _variables_in(argument.value)
                for selection in operation.selection_set.selections if isinstance(selection, FieldNode)
                for argument in selection.arguments or ()
            )
            found = _variables_in(operation.selection_set) != in_root_arguments
        if len(_USES_VARIABLES) > 1024:
            _USES_VARIABLES.clear()
        _USES_VARIABLES[key] = found
    return found


def _variables_in(node: Any) -> int:
    found = [0]

    class Counter(Visitor):
        def enter_variable(self, *_args: Any) -> None:
            found[0] += 1

    visit(node, Counter())
    return found[0]


def _errors(errors: list[GraphQLError] | None) -> list[dict[str, Any]]:
    return [dict(e.formatted) for e in errors or []]


def _error(code: str, message: str) -> list[dict[str, Any]]:
    return [{"message": message, "extensions": {"code": code}}]


class _Invalid(Exception):
    """A message that breaks the protocol: close 4400 with this reason."""


@database_sync_to_async
def _user_from_token(token: str) -> Any:
    from allauth.headless.internal.sessionkit import authenticate_by_x_session_token

    found = authenticate_by_x_session_token(token)
    user = found[0] if found else None
    return user if user is not None and user.is_active else None


class GraphQLWSConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: events reach sockets through the process's hub (hub.py).
    channel_layer_alias = "huzhu-realtime-no-layer"

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch first hops to the ORM thread to close stale connections, for every frame; this
        # consumer's ORM work runs in its own wrappers (hub.db, database_sync_to_async), so frames skip that.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.acked = False
        self.init_received = False
        self.operations: dict[str, asyncio.Task] = {}
        self.user: Any = AnonymousUser()
        self.language = self._language()
        if SUBPROTOCOL not in (self.scope.get("subprotocols") or []):
            await self.accept()
            await self.close(code=4406, reason="Subprotocol not acceptable")
            return
        await self.accept(SUBPROTOCOL)
        self.init_timer = asyncio.get_running_loop().call_later(
            INIT_TIMEOUT, lambda: asyncio.ensure_future(self._init_timeout())
        )

    async def _init_timeout(self) -> None:
        if not self.init_received:
            await self.close(code=4408, reason="Connection initialisation timeout")

    async def disconnect(self, code: int) -> None:
        timer = getattr(self, "init_timer", None)
        if timer is not None:
            timer.cancel()
        for task in list(getattr(self, "operations", {}).values()):
            task.cancel()
        self.operations = {}

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if text_data is None:
                raise _Invalid("Binary frames are not supported")
            if len(text_data) > MAX_MESSAGE_BYTES or len(text_data.encode()) > MAX_MESSAGE_BYTES:
                raise _Invalid("Message too large")
            try:
                message = json.loads(text_data)
            except ValueError:
                raise _Invalid("Invalid message received: not JSON")
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise _Invalid("Invalid message received: no type")
            await self._handle(message)
        except _Invalid as exc:
            await self._close(4400, str(exc))

    async def _close(self, code: int, reason: str) -> None:
        await self.disconnect(code)
        await self.close(code=code, reason=reason[:120])

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "connection_init":
            await self._init(message.get("payload"))
        elif kind == "ping":
            pong: dict[str, Any] = {"type": "pong"}
            if isinstance(message.get("payload"), dict):
                pong["payload"] = message["payload"]
            await self.send(text_data=json.dumps(pong, separators=(",", ":")))
        elif kind == "pong":
            return
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "complete":
            op_id = message.get("id")
            if not isinstance(op_id, str) or not op_id:
                raise _Invalid("Invalid message received: complete without id")
            task = self.operations.pop(op_id, None)
            if task is not None:
                task.cancel()
        else:
            raise _Invalid(f"Invalid message received: unknown type {kind[:40]!r}")

    async def _init(self, payload: Any) -> None:
        if self.init_received:
            await self._close(4429, "Too many initialisation requests")
            return
        self.init_received = True
        self.init_timer.cancel()
        if payload is not None and not isinstance(payload, dict):
            raise _Invalid("Invalid message received: connection_init payload must be an object")
        token = (payload or {}).get("sessionToken")
        if token is not None:
            user = await _user_from_token(str(token)[:200]) if isinstance(token, str) and token else None
        else:
            user = self.scope.get("user")
            if user is not None and not getattr(user, "is_authenticated", False):
                user = None
        if user is None:
            await self._close(4403, "Forbidden")
            return
        self.user = user
        self.acked = True
        await self.send(text_data='{"type":"connection_ack"}')

    async def _subscribe(self, message: dict[str, Any]) -> None:
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not op_id or len(op_id) > MAX_ID_LENGTH:
            raise _Invalid("Invalid message received: subscribe needs an id")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            raise _Invalid("Invalid message received: subscribe needs payload.query")
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            raise _Invalid("Invalid message received: variables must be an object")
        if operation_name is not None and not isinstance(operation_name, str):
            raise _Invalid("Invalid message received: operationName must be a string")
        if not self.acked:
            await self._close(4401, "Unauthorized")
            return
        if op_id in self.operations:
            await self._close(4409, f"Subscriber for {op_id} already exists")
            return
        if len(self.operations) >= MAX_SUBSCRIPTIONS:
            await self._send(op_id, "error", _error(
                "TOO_MANY_SUBSCRIPTIONS", f"At most {MAX_SUBSCRIPTIONS} operations may run on one connection."
            ))
            return
        # The source stream is created (authorised, joined to its groups) before the next client message is
        # read: a `pong` answering a `ping` sent after `subscribe` means the subscription is live.
        with translation.override(self.language):
            prepared = await self._prepare(op_id, payload["query"], variables or {}, operation_name)
        if prepared is not None:
            self.operations[op_id] = asyncio.ensure_future(self._run(op_id, prepared))

    async def _send(self, op_id: str, kind: str, payload: Any = None) -> None:
        message: dict[str, Any] = {"id": op_id, "type": kind}
        if payload is not None:
            message["payload"] = payload
        await self.send(text_data=json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def _context(self) -> HttpRequest:
        request = HttpRequest()
        request.method = "POST"
        request.path = "/graphql"
        request.user = self.user
        request.META = {
            "REMOTE_ADDR": (self.scope.get("client") or ["", 0])[0],
            **{
                "HTTP_" + k.decode("latin1").upper().replace("-", "_"): v.decode("latin1")
                for k, v in self.scope.get("headers", [])
                if k.lower() not in (b"cookie", b"authorization")
            },
        }
        request.LANGUAGE_CODE = self.language  # type: ignore[attr-defined]
        return request

    def _language(self) -> str:
        header = dict(self.scope.get("headers", [])).get(b"accept-language", b"").decode("latin1")
        for part in header.split(","):
            tag = part.split(";")[0].strip()
            if tag:
                try:
                    return translation.get_supported_language_variant(tag)
                except LookupError:
                    continue
        return settings.LANGUAGE_CODE

    async def _prepare(self, op_id: str, query: str, variables: dict, operation_name: str | None) -> Any:
        """Parse, validate, authorise: an _Operation to run, or None after an `error` message was sent."""
        check = _parse_and_validate if len(query) <= 8192 else _parse_and_validate.__wrapped__
        document, errors = check(query)
        if errors:
            await self._send(op_id, "error", _errors(list(errors)))
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            await self._send(op_id, "error", _error("INVALID", "Unknown or ambiguous operation."))
            return None
        if operation.operation == OperationType.MUTATION:
            await self._send(op_id, "error", _error("INVALID", "Send mutations with POST /graphql."))
            return None
        op = _Operation(document, self._context(), variables, operation_name, query)
        if operation.operation == OperationType.QUERY:
            return op
        try:
            stream = await create_source_event_stream(_schema(), document, None, op.context, variables, operation_name)
        except Exception:
            log.exception("realtime: subscribe %s failed", op_id)
            await self._send(op_id, "error", _error("INTERNAL", "Internal server error."))
            return None
        if isinstance(stream, ExecutionResult):
            await self._send(op_id, "error", _errors(stream.errors))
            return None
        op.stream = stream
        return op

    async def _run(self, op_id: str, op: _Operation) -> None:
        try:
            with translation.override(self.language):
                if op.stream is None:  # a query: one result, then complete
                    result = await database_sync_to_async(self._execute_query)(op)
                    await self._send(op_id, "next", result.formatted)
                    await self._send(op_id, "complete")
                    return
                shared = hub().results
                # the subscriber's language is part of the key: a payload rendered under one connection's
                # translation.override must never reach a subscriber who reads another language
                key: tuple = (op.query, op.operation_name, self.language)
                if _result_uses_variables(op.query, op.operation_name, op.document):
                    key += (json.dumps(op.variables, sort_keys=True, default=str),)
                prefix = f'{{"id":{json.dumps(op_id)},"type":"next","payload":'
                send = self._raw_send()
                async for message in op.stream:
                    text = shared.get_or_build((message.get("id"), *key), functools.partial(self._render, op, message))
                    await send({"type": "websocket.send", "text": prefix + text + "}"})
                    if STATS_EVERY and message.get("at"):
                        lag("sent", (time.time() - message["at"]) * 1000)
                await self._send(op_id, "complete")
        except Revoked:
            await self._send(op_id, "error", _error("PERMISSION_DENIED", "Your access to this stream was revoked."))
        except SlowConsumer:
            await self._send(op_id, "error", _error("SLOW_CONSUMER", "Too many undelivered events: resubscribe."))
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("realtime: operation %s failed", op_id)
            with contextlib.suppress(Exception):
                await self._send(op_id, "error", _error("INTERNAL", "Internal server error."))
        finally:
            if op.stream is not None and hasattr(op.stream, "aclose"):
                await op.stream.aclose()
            if self.operations.get(op_id) is asyncio.current_task():
                del self.operations[op_id]

    def _raw_send(self) -> Any:
        """The server's own ASGI send, below Channels' session middleware: that wrapper checks whether the
        session changed on every message (it saves only on HTTP responses), a cost per event and subscriber."""
        send = self.base_send
        while True:
            wrapper = getattr(send, "__self__", None)
            inner = getattr(wrapper, "real_send", None)
            if inner is None or type(wrapper).__name__ != "InstanceSessionWrapper":
                return send
            send = inner

    def _execute_query(self, op: _Operation) -> Any:
        with translation.override(self.language):
            return execute(_schema(), op.document, None, op.context, op.variables, op.operation_name)

    def _render(self, op: _Operation, message: dict) -> str:
        """The `next` payload of one event for one document, as JSON text (built once, shared by subscribers)."""
        result = execute(_schema(), op.document, message["payload"], op.context, op.variables, op.operation_name)
        if isawaitable(result):  # pragma: no cover - event types here resolve synchronously
            raise RuntimeError("realtime event types must resolve synchronously")
        return json.dumps(result.formatted, ensure_ascii=False, separators=(",", ":"))


@dataclass
class _Operation:
    document: Any
    context: Any
    variables: dict
    operation_name: str | None
    query: str
    stream: Any = None
