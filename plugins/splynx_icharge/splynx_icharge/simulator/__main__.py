"""``python -m splynx_icharge.simulator --port N``: the simulated xServ in the foreground."""

import argparse
import logging

from core.gateway.simulator import serve

from .gateway import API_PATH, TEST_API_KEY, TEST_MERCHANT, IchargeSimulator


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Simulated Xilo iCharge xServ (REST/JSON proposal at /api/v1).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--merchant", action="append", default=[], metavar="ID:API_KEY",
                        help=f"accepted merchant credentials (repeatable; default {TEST_MERCHANT}:{TEST_API_KEY})")
    parser.add_argument("--allow-ip", action="append", default=[], metavar="ADDRESS",
                        help="accept requests only from these source addresses (repeatable; default: any)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    merchants = dict(m.split(":", 1) for m in args.merchant if ":" in m) or None
    merchant, api_key = next(iter((merchants or {TEST_MERCHANT: TEST_API_KEY}).items()))
    serve(IchargeSimulator(merchants, tuple(args.allow_ip)), args.host, args.port,
          banner=f"iCharge xServ simulator on http://{args.host}:{args.port}{API_PATH} (faults: /_sim/faults)",
          credentials={"Merchant ID": merchant, "API key": api_key})


if __name__ == "__main__":
    main()
