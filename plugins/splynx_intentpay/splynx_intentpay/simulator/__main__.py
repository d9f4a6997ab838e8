"""``python -m splynx_intentpay.simulator --port N``: the simulated gateway in the foreground."""

import argparse
import logging

from core.gateway.simulator import serve

from . import API_PATH, TEST_API_KEY, GatewaySimulator


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Simulated IntentPay gateway (PaymentIntents at /v1).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    serve(GatewaySimulator(), args.host, args.port,
          banner=f"IntentPay simulator on http://{args.host}:{args.port}{API_PATH}", credentials={"API key": TEST_API_KEY})


if __name__ == "__main__":
    main()
