#!/usr/bin/env python3
"""A synthetic Claude Code (`claude -p --input-format stream-json --output-format stream-json
--include-partial-messages`) for benchmarks: it answers the `initialize` control request and,
for every user line on stdin, writes what Claude Code 2.1.197 writes for a text turn
(tests/fixtures/claude/text.jsonl): system/init (first turn), then one assistant message as
stream_event lines with FAKE_CLAUDE_DELTAS `text_delta`s, the `assistant` line, and the
`result` line, as fast as a pipe takes them (the whole turn is built first and written at
once). Delta i is "d<i> ". The session id is --session-id's or --resume's. It stays up until its
stdin closes, like claude. Not a test double: the real claude is used everywhere else; this
exists to measure t3rs's own cost without the CLI's ceiling."""
import json
import os
import sys
import uuid

DELTAS = int(os.environ.get("FAKE_CLAUDE_DELTAS", "1000"))
args = sys.argv[1:]
session = str(uuid.uuid4())
for flag in ("--session-id", "--resume"):
    if flag in args and args.index(flag) + 1 < len(args):
        session = args[args.index(flag) + 1]
turns = 0
inited = False


def line(obj):
    return json.dumps(obj, separators=(",", ":"))


def event(ev):
    return line({"type": "stream_event", "event": ev, "session_id": session,
                 "parent_tool_use_id": None, "uuid": str(uuid.uuid4())})


def turn_lines(msg_id):
    out = []
    global inited
    if not inited:
        inited = True
        out.append(line({"type": "system", "subtype": "init", "cwd": os.getcwd(),
                         "session_id": session, "tools": [], "mcp_servers": [],
                         "model": "fake", "permissionMode": "default"}))
    usage = {"input_tokens": 10, "output_tokens": 1}
    out.append(event({"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "model": "fake", "content": [],
        "stop_reason": None, "usage": usage}}))
    out.append(event({"type": "content_block_start", "index": 0,
                      "content_block": {"type": "text", "text": ""}}))
    prefix = ('{"type":"stream_event","event":{"type":"content_block_delta","index":0,'
              '"delta":{"type":"text_delta","text":"')
    suffix = '"}},"session_id":"%s","parent_tool_use_id":null}' % session
    out.extend(prefix + f"d{i} " + suffix for i in range(DELTAS))
    text = "".join(f"d{i} " for i in range(DELTAS))
    out.append(line({"type": "assistant", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "model": "fake",
        "content": [{"type": "text", "text": text}], "stop_reason": None, "usage": usage},
        "parent_tool_use_id": None, "session_id": session, "uuid": str(uuid.uuid4())}))
    out.append(event({"type": "content_block_stop", "index": 0}))
    out.append(event({"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                      "usage": {"output_tokens": DELTAS}}))
    out.append(event({"type": "message_stop"}))
    out.append(line({"type": "result", "subtype": "success", "is_error": False,
                     "api_error_status": None, "duration_ms": 1, "num_turns": 1,
                     "result": text, "stop_reason": "end_turn", "session_id": session,
                     "total_cost_usd": 0, "usage": {"input_tokens": 10,
                                                    "output_tokens": DELTAS}}))
    return out


for raw in sys.stdin:
    try:
        msg = json.loads(raw)
    except ValueError:
        continue
    kind = msg.get("type")
    if kind == "control_request":
        rid = msg.get("request_id")
        sys.stdout.write(line({"type": "control_response", "response": {
            "subtype": "success", "request_id": rid, "response": {}}}) + "\n")
    elif kind == "user":
        turns += 1
        sys.stdout.write("\n".join(turn_lines(f"msg_fake_{turns}_{uuid.uuid4().hex[:8]}")) + "\n")
    sys.stdout.flush()
