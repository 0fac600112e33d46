#!/usr/bin/env python3
"""An IRC bot on the `irc` library (jaraco/irc), remote-controlled by a test.

Run from the project's venv (.venv/bin/python, see tests/requirements.txt):

    irc_bot.py --host 127.0.0.1 --port 6667 --nick pybot [--password SECRET]

Speaks JSON lines. Commands on stdin:
    {"cmd": "join", "channel": "#room"}
    {"cmd": "part", "channel": "#room", "reason": "bye"}
    {"cmd": "say", "channel": "#room", "text": "hi", "id": 1}
    {"cmd": "raw", "line": "NAMES #room"}
    {"cmd": "quit", "reason": "bye"}
Events on stdout, one object per line: {"event": "raw", "line": ...} for every line
received, then the library's view of it: registered, join, part, quit, privmsg,
notice, error; {"event": "sent", "id": ...} once a say was handed to the socket;
{"event": "disconnected"} last. Diagnostics go to stderr.
"""

import argparse
import json
import queue
import sys
import threading

import irc.client


def emit(**obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--nick", required=True)
    ap.add_argument("--username", default="pybot")
    ap.add_argument("--realname", default="irc library bot")
    ap.add_argument("--password")
    args = ap.parse_args()

    commands = queue.Queue()

    def read_stdin():
        for line in sys.stdin:
            line = line.strip()
            if line:
                commands.put(json.loads(line))
        commands.put({"cmd": "quit", "reason": "stdin closed"})

    threading.Thread(target=read_stdin, daemon=True).start()

    reactor = irc.client.Reactor()
    done = threading.Event()

    def nick_of(event):
        return event.source.nick if event.source else None

    def on_raw(_conn, event):
        emit(event="raw", line=event.arguments[0])

    def on_welcome(conn, _event):
        emit(event="registered", nick=conn.get_nickname())

    def on_join(_conn, event):
        emit(event="join", nick=nick_of(event), channel=event.target)

    def on_part(_conn, event):
        emit(event="part", nick=nick_of(event), channel=event.target,
             text=event.arguments[0] if event.arguments else "")

    def on_quit(_conn, event):
        emit(event="quit", nick=nick_of(event), text=event.arguments[0] if event.arguments else "")

    def on_msg(_conn, event):
        emit(event="privmsg", nick=nick_of(event), channel=event.target, text=event.arguments[0])

    def on_notice(_conn, event):
        emit(event="notice", nick=nick_of(event), channel=event.target,
             text=event.arguments[0] if event.arguments else "")

    def on_error(_conn, event):
        emit(event="error", text=event.target or " ".join(event.arguments))

    def on_disconnect(_conn, event):
        emit(event="disconnected", text=event.arguments[0] if event.arguments else "")
        done.set()

    reactor.add_global_handler("all_raw_messages", on_raw, -10)
    reactor.add_global_handler("welcome", on_welcome)
    reactor.add_global_handler("join", on_join)
    reactor.add_global_handler("part", on_part)
    reactor.add_global_handler("quit", on_quit)
    reactor.add_global_handler("pubmsg", on_msg)
    reactor.add_global_handler("privmsg", on_msg)
    reactor.add_global_handler("pubnotice", on_notice)
    reactor.add_global_handler("privnotice", on_notice)
    reactor.add_global_handler("error", on_error)
    reactor.add_global_handler("disconnect", on_disconnect)

    conn = reactor.server().connect(
        args.host, args.port, args.nick,
        password=args.password, username=args.username, ircname=args.realname,
    )

    while not done.is_set():
        # Waits on the socket for up to 50 ms, then looks at the test's commands.
        reactor.process_once(0.05)
        while True:
            try:
                cmd = commands.get_nowait()
            except queue.Empty:
                break
            what = cmd.get("cmd")
            if what == "join":
                conn.join(cmd["channel"])
            elif what == "part":
                conn.part(cmd["channel"], cmd.get("reason", ""))
            elif what == "say":
                conn.privmsg(cmd["channel"], cmd["text"])
                emit(event="sent", id=cmd.get("id"))
            elif what == "raw":
                conn.send_raw(cmd["line"])
            elif what == "quit":
                if conn.is_connected():
                    conn.quit(cmd.get("reason", "bye"))
                else:
                    done.set()
            else:
                print(f"irc_bot: unknown command {cmd!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
