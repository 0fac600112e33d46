"""irctest controller for party-bridge (scripts/irctest).

Runs party-broker and party-bridge from PARTY_BIN_DIR on free ports: the bridge is
the IRC server under test, and every channel on it is a Party room on the broker.
"""

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Optional, Set, Type

from irctest.basecontrollers import BaseServerController
from irctest.runner import NotImplementedByController


class PartyBridgeController(BaseServerController):
    software_name = "party-bridge"
    supported_sasl_mechanisms: Set[str] = set()
    supports_sts = False
    broker: Optional[subprocess.Popen] = None

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        if ssl:
            raise NotImplementedByController("TLS")
        if password is not None:
            # PASS is a Party agent secret, not a server password.
            raise NotImplementedByController("server password")
        if run_services:
            raise NotImplementedByController("services")
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        assert self.proc is None
        bins = Path(os.environ["PARTY_BIN_DIR"])
        (_, mqtt_port) = self.get_hostname_and_port()
        (_, http_port) = self.get_hostname_and_port()
        self.dist = tempfile.TemporaryDirectory(prefix="party-irctest-")
        (Path(self.dist.name) / "index.html").write_text("<!doctype html>\n")
        self.broker = self.execute(
            [
                bins / "party-broker",
                "--mqtt",
                f"127.0.0.1:{mqtt_port}",
                "--http",
                f"127.0.0.1:{http_port}",
                "--dist",
                self.dist.name,
            ],
            proc_name="party-broker",
        )
        self.port = port
        self.hostname = hostname
        # irctest sends its lines in bursts; flood control is not what it tests.
        self.proc = self.execute(
            [
                bins / "party-bridge",
                "--broker",
                f"mqtt://127.0.0.1:{mqtt_port}",
                "--irc",
                f"{hostname}:{port}",
                "--server-name",
                "My.Little.Server",
                "--max-clients-per-ip",
                "1000",
                "--flood-burst",
                "1000",
                "--flood-per-sec",
                "1000",
                # irctest opers up as operuser/operpassword.
                "--oper",
                "operuser:" + hashlib.sha256(b"operpassword").hexdigest(),
            ],
            proc_name="party-bridge",
        )

    def kill_proc(self) -> None:
        super().kill_proc()
        if self.broker is not None:
            self.broker.terminate()
            try:
                self.broker.wait(5)
            except subprocess.TimeoutExpired:
                self.broker.kill()
                self.broker.wait()
            self.broker = None
            self.dist.cleanup()


def get_irctest_controller_class() -> Type[PartyBridgeController]:
    return PartyBridgeController
