"""``python -m sandbox.cloudflare --port 0 [--state FILE] [--idle-exit S]``: serve the Cloudflare simulator."""

import sys

from sandbox.cloudflare.service import CloudflareService
from sandbox.common.cli import serve

if __name__ == "__main__":
    sys.exit(serve("Cloudflare API v4 simulator (base URL: printed URL + /client/v4)", lambda args: CloudflareService()))
