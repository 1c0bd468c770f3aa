"""``protector-flasharray-sim``: serve simulated arrays until stopped.

Example::

    protector-flasharray-sim --array array-a=127.0.0.1:8443 \\
        --array array-b=127.0.0.1:8444 --api-token secret --transfer-seconds 10

The arrays run on wall-clock time, are connected pairwise (sync-replication,
which also carries async), and print where they listen and which CA file
signs their certificates. SIGTERM or SIGINT stops them cleanly.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from protector.storage.simulator.clock import SystemClock
from protector.storage.simulator.harness import DEFAULT_API_TOKEN, SimulatedFabric
from protector.storage.simulator.http.control import ControlApp
from protector.storage.simulator.http.server import ArrayServer


def _array_spec(text: str) -> tuple[str, str, int]:
    name, sep, address = text.partition("=")
    host, colon, port = address.rpartition(":")
    if not sep or not colon or not name or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME=HOST:PORT, got {text!r}")
    return name, host.strip("[]"), int(port)


def _address(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not host.startswith("127."):
        raise argparse.ArgumentTypeError(f"expected a loopback 127.x.y.z:PORT, got {text!r}")
    return host, int(port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="protector-flasharray-sim",
        description="Simulated Pure Storage FlashArrays speaking REST 2.x over HTTPS.",
    )
    parser.add_argument(
        "--array",
        action="append",
        type=_array_spec,
        required=True,
        metavar="NAME=HOST:PORT",
        help="an array to serve (repeat for more; port 0 picks a free one)",
    )
    parser.add_argument(
        "--api-token",
        default=os.environ.get("PROTECTOR_SIM_API_TOKEN", DEFAULT_API_TOKEN),
        help="API token of every array (default: $PROTECTOR_SIM_API_TOKEN, which keeps "
        "it out of the process list, else a fixed test token)",
    )
    parser.add_argument(
        "--transfer-seconds",
        type=float,
        default=30.0,
        help="how long one protection-group snapshot takes to replicate",
    )
    parser.add_argument(
        "--eradication-delay-seconds",
        type=float,
        default=86_400.0,
        help="how long destroyed objects stay recoverable",
    )
    parser.add_argument(
        "--cert-dir", default=None, help="where to write ca.pem/server.pem (default: a temp dir)"
    )
    parser.add_argument(
        "--no-connect", action="store_true", help="do not connect the arrays to each other"
    )
    parser.add_argument(
        "--control",
        type=_address,
        metavar="HOST:PORT",
        help="also serve fault injection (POST /faults, plain HTTP; see "
        "protector.storage.simulator.http.control) on this loopback address",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    names = [name for name, _, _ in args.array]
    if len(set(names)) != len(names):
        print("error: array names must be unique", file=sys.stderr)
        return 2
    sim = SimulatedFabric(
        names,
        api_token=args.api_token,
        clock=SystemClock(),
        listen={name: (host, port) for name, host, port in args.array},
        connect=not args.no_connect,
        cert_dir=args.cert_dir,
        transfer_seconds=args.transfer_seconds,
        eradication_delay_sec=args.eradication_delay_seconds,
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    control = None
    try:
        sim.start()
        for name in names:
            print(f"{name} listening on https://{sim.target(name)}", flush=True)
        if args.control:
            control = ArrayServer(ControlApp(sim), args.control[0], args.control[1])
            control.start()
            print(f"fault injection on http://{control.address}/faults", flush=True)
        print(f"CA certificate: {sim.ca_file}", flush=True)
        while not stop.wait(0.5):
            # Wall-clock time also moves while nobody calls the API.
            sim.fabric.sync()
    finally:
        if control is not None:
            control.stop()
        sim.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
