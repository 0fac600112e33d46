#!/usr/bin/env python3
"""An IRC bot on `pydle` (asyncio, IRCv3), remote-controlled by a test.

Same command line and JSON-lines protocol as irc_bot.py. pydle reports our own
channel messages back through on_channel_message; they come out as privmsg events
from our own nick, like any client with echo-message.
"""

import argparse
import asyncio
import json
import sys

import pydle


def emit(**obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class Bot(pydle.Client):
    RECONNECT_ON_ERROR = False

    async def on_raw(self, message):
        raw = message._raw
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        emit(event="raw", line=raw.rstrip("\r\n"))
        await super().on_raw(message)

    async def on_connect(self):
        await super().on_connect()
        emit(event="registered", nick=self.nickname)

    async def on_join(self, channel, user):
        await super().on_join(channel, user)
        emit(event="join", nick=user, channel=channel)

    async def on_part(self, channel, user, message=None):
        await super().on_part(channel, user, message)
        emit(event="part", nick=user, channel=channel, text=message or "")

    async def on_quit(self, user, message=None):
        await super().on_quit(user, message)
        emit(event="quit", nick=user, text=message or "")

    async def on_channel_message(self, target, by, message):
        await super().on_channel_message(target, by, message)
        emit(event="privmsg", nick=by, channel=target, text=message)

    async def on_private_message(self, target, by, message):
        await super().on_private_message(target, by, message)
        emit(event="privmsg", nick=by, channel=target, text=message)

    async def on_notice(self, target, by, message):
        await super().on_notice(target, by, message)
        emit(event="notice", nick=by, channel=target, text=message)

    async def on_disconnect(self, expected):
        await super().on_disconnect(expected)
        emit(event="disconnected", text="expected" if expected else "unexpected")
        self.gone.set()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--nick", required=True)
    ap.add_argument("--username", default="pydlebot")
    ap.add_argument("--realname", default="pydle bot")
    ap.add_argument("--password")
    args = ap.parse_args()

    bot = Bot(args.nick, username=args.username, realname=args.realname)
    bot.gone = asyncio.Event()
    await bot.connect(args.host, args.port, password=args.password, tls=False)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def commands():
        while True:
            line = await reader.readline()
            if not line:
                cmd = {"cmd": "quit", "reason": "stdin closed"}
            elif not line.strip():
                continue
            else:
                cmd = json.loads(line)
            what = cmd.get("cmd")
            if what == "join":
                await bot.join(cmd["channel"])
            elif what == "part":
                await bot.part(cmd["channel"], cmd.get("reason"))
            elif what == "say":
                await bot.message(cmd["channel"], cmd["text"])
                emit(event="sent", id=cmd.get("id"))
            elif what == "raw":
                await bot.raw(cmd["line"] + "\r\n")
            elif what == "quit":
                if bot.connected:
                    await bot.quit(cmd.get("reason", "bye"))
                bot.gone.set()
                return
            else:
                print(f"pydle_bot: unknown command {cmd!r}", file=sys.stderr)

    task = asyncio.create_task(commands())
    await bot.gone.wait()
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
