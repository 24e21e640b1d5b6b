"""A local OpenAI-protocol server for tests: chat completions answered from a script, with scripted faults.

Each request takes the next step of the script (or, once it is empty, the default responder's answer):
a structured reply (sent as JSON content, or as a tool call when the request offers tools), raw text (for
malformed JSON), an HTTP status with headers, a refusal, or a hang that outlasts the client's timeout.
Every request body is kept, so tests can see what was sent (response formats, tools, images).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    kind: str  # reply | raw | status | refusal | hang
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def reply(obj: dict[str, Any]) -> Step:
    return Step("reply", obj)


def raw(text: str) -> Step:
    return Step("raw", text)


def status(code: int, headers: dict[str, str] | None = None) -> Step:
    return Step("status", {"error": {"message": f"scripted {code}", "type": "scripted"}}, status=code,
                headers=headers or {})


def refusal(text: str) -> Step:
    return Step("refusal", text)


def hang(seconds: float) -> Step:
    return Step("hang", seconds=seconds)


Responder = Callable[[dict[str, Any]], Step]


class FakeOpenAI:
    def __init__(self) -> None:
        self.script: deque[Step] = deque()
        self.requests: list[dict[str, Any]] = []
        self.responder: Responder | None = None
        self.delay = 0.0  # seconds every reply takes, to observe concurrency
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    step = fake.script.popleft() if fake.script else None
                    fake.in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                if step is None:
                    step = fake.responder(body) if fake.responder else status(500)
                time.sleep(fake.delay)
                try:
                    fake._answer(self, body, step)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def push(self, *steps: Step) -> None:
        self.script.extend(steps)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler, request: dict[str, Any], step: Step) -> None:
        if step.kind == "hang":
            time.sleep(step.seconds)
            return
        if step.kind == "status":
            self._send(handler, step.status, step.body, step.headers)
            return
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if step.kind == "refusal":
            message["refusal"] = step.body
        elif step.kind == "raw":
            message["content"] = step.body
        elif request.get("tools"):
            name = request["tools"][0]["function"]["name"]
            message["tool_calls"] = [{"id": "call_1", "type": "function",
                                      "function": {"name": name, "arguments": json.dumps(step.body,
                                                                                         ensure_ascii=False)}}]
        else:
            message["content"] = json.dumps(step.body, ensure_ascii=False)
        prompt_tokens = sum(len(json.dumps(m, ensure_ascii=False)) for m in request.get("messages", [])) // 4
        self._send(handler, 200, {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": 0,
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 42, "total_tokens": prompt_tokens + 42}},
            {})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, code: int, body: Any, headers: dict[str, str]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            handler.send_response(code)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            return
