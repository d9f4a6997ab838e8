"""``python -m splynx_ippay.simulator --port N``: the simulated IPpay gateway in the foreground."""

import argparse
import logging

from core.gateway.simulator import serve

from .gateway import PATH, IppaySimulator
from .rules import TEST_TERMINAL


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Simulated IPpay gateway (XML over HTTP at /ippay).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--terminal", action="append", default=[], metavar="ID[:PASSWORD]",
                        help=f"accepted TerminalID (repeatable; default {TEST_TERMINAL})")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    terminals = dict((t.split(":", 1) + [""])[:2] for t in args.terminal) or None
    terminal, password = next(iter((terminals or {TEST_TERMINAL: ""}).items()))
    serve(IppaySimulator(terminals), args.host, args.port,
          banner=f"IPpay simulator on http://{args.host}:{args.port}{PATH} (faults: /_sim/faults)",
          credentials={"Terminal ID": terminal, **({"Password": password} if password else {})})


if __name__ == "__main__":
    main()
