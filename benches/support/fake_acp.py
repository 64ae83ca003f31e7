#!/usr/bin/env python3
"""A synthetic ACP agent for benchmarks: it answers initialize and session/new and, for every
session/prompt, writes FAKE_ACP_DELTAS `session/update` agent_message_chunk notifications (delta
i is "d<i> ") then the prompt's answer {stopReason: "end_turn"}, as fast as a pipe takes them
(the whole turn is built first and written at once). It stays up until its stdin closes. Not a
test double: the real adapters (codex-acp, claude-agent-acp) are used everywhere else; this
exists to measure t3rs's own cost without an agent's ceiling."""
import json
import os
import sys
import uuid

DELTAS = int(os.environ.get("FAKE_ACP_DELTAS", "1000"))


def line(obj):
    return json.dumps(obj, separators=(",", ":"))


def answer(rid, result):
    return line({"jsonrpc": "2.0", "id": rid, "result": result})


for raw in sys.stdin:
    try:
        msg = json.loads(raw)
    except ValueError:
        continue
    method, rid = msg.get("method"), msg.get("id")
    if rid is None or method is None:
        continue
    if method == "initialize":
        out = [answer(rid, {"protocolVersion": 1, "agentCapabilities": {"loadSession": False},
                            "authMethods": [], "agentInfo": {"name": "fake-acp", "version": "0"}})]
    elif method == "session/new":
        out = [answer(rid, {"sessionId": str(uuid.uuid4())})]
    elif method == "session/prompt":
        session = msg["params"]["sessionId"]
        prefix = ('{"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"%s",'
                  '"update":{"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"'
                  % session)
        out = [prefix + f"d{i} " + '"}}}}' for i in range(DELTAS)]
        out.append(answer(rid, {"stopReason": "end_turn"}))
    elif method in ("session/set_mode", "session/set_model", "session/set_config_option"):
        out = [answer(rid, {})]
    else:
        out = [line({"jsonrpc": "2.0", "id": rid,
                     "error": {"code": -32601, "message": f"fake acp: no {method}"}})]
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
