#!/usr/bin/env python3
"""A synthetic `codex app-server` for benchmarks: it answers the handshake and, for every
turn/start, writes one turn of FAKE_CODEX_DELTAS `item/agentMessage/delta` lines as fast as a
pipe takes them (the whole turn is built first and written at once), or, with
FAKE_CODEX_RATE set, that many deltas a second in 10 ms batches, as a fast model would. Delta i
is "d<i> "; with FAKE_CODEX_MARKDOWN=1 some are dressed as markdown (paragraphs, lists, bold,
inline code) so a client renders what an answer looks like. It stays up until its
stdin closes, like codex. Not a test double: the real codex is used everywhere else; this
exists to measure t3rs's own cost without codex's ~11k deltas/s ceiling."""
import json
import os
import sys
import time
import uuid

DELTAS = int(os.environ.get("FAKE_CODEX_DELTAS", "1000"))
RATE = int(os.environ.get("FAKE_CODEX_RATE", "0"))
MARKDOWN = os.environ.get("FAKE_CODEX_MARKDOWN") == "1"


def delta_text(i):
    text = f"d{i} "
    if not MARKDOWN:
        return text
    if i % 11 == 3:
        text = f"`d{i}` "
    elif i % 7 == 5:
        text = f"**d{i}** "
    if i % 120 == 60:
        text = "\n\n- " + text
    elif i % 120 in (70, 80, 90):
        text = "\n- " + text
    elif i % 40 == 0:
        text = "\n\n" + text
    return text
turns = 0


def send(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


def turn_lines(thread_id, turn_id):
    item = f"{turn_id}-msg"
    lines = [
        {"method": "turn/started", "params": {"threadId": thread_id, "turn": {"id": turn_id}}},
        {"method": "item/started", "params": {"threadId": thread_id, "turnId": turn_id,
                                              "item": {"type": "agentMessage", "id": item, "text": ""}}},
    ]
    out = [json.dumps(l, separators=(",", ":")) for l in lines]
    prefix = '{"method":"item/agentMessage/delta","params":{"threadId":"%s","turnId":"%s","itemId":"%s","delta":"' % (
        thread_id, turn_id, item)
    out.extend(prefix + json.dumps(delta_text(i))[1:-1] + '"}}' for i in range(DELTAS))
    tail = [
        {"method": "item/completed", "params": {"threadId": thread_id, "turnId": turn_id,
                                                "item": {"type": "agentMessage", "id": item}}},
        {"method": "turn/completed", "params": {"threadId": thread_id,
                                                "turn": {"id": turn_id, "status": "completed"}}},
    ]
    out.extend(json.dumps(l, separators=(",", ":")) for l in tail)
    return out


def write_turn(lines):
    if RATE <= 0:
        sys.stdout.write("\n".join(lines) + "\n")
        return
    batch = max(1, RATE // 100)
    start = time.monotonic()
    for n, i in enumerate(range(0, len(lines), batch)):
        sys.stdout.write("\n".join(lines[i:i + batch]) + "\n")
        sys.stdout.flush()
        time.sleep(max(0.0, start + (n + 1) * 0.01 - time.monotonic()))


for raw in sys.stdin:
    try:
        msg = json.loads(raw)
    except ValueError:
        continue
    method, rid = msg.get("method"), msg.get("id")
    if rid is None:
        continue
    if method == "initialize":
        send({"id": rid, "result": {"userAgent": "fake-codex"}})
    elif method in ("thread/start", "thread/resume"):
        send({"id": rid, "result": {"thread": {"id": msg["params"].get("threadId", "fake-thread")}}})
    elif method == "turn/start":
        turns += 1
        # Unique across restarts, as codex's own ids are: message ids derive from them.
        turn_id = f"turn-{turns}-{uuid.uuid4().hex[:12]}"
        send({"id": rid, "result": {"turn": {"id": turn_id, "status": "inProgress"}}})
        write_turn(turn_lines(msg["params"]["threadId"], turn_id))
    else:
        send({"id": rid, "error": {"code": -32601, "message": f"fake codex: no {method}"}})
    sys.stdout.flush()
