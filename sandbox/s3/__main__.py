"""``python -m sandbox.s3 --port 0 [--state FILE] [--idle-exit S]``: one endpoint per location.

Prints one ``<location> <url>`` line per endpoint (fsn1, nbg1, hel1).
"""

import argparse
import sys

from sandbox.common.cli import serve_group
from sandbox.s3 import LOCATIONS
from sandbox.s3.service import S3LocationService
from sandbox.s3.world import S3World


def main() -> int:
    worlds: list[S3World] = []

    def make_services(args: argparse.Namespace) -> dict[str, S3LocationService]:
        world = S3World(state_file=args.state)
        worlds.append(world)
        return {location: S3LocationService(world, location) for location in LOCATIONS}

    code = serve_group("S3 object storage in Hetzner's shape (moto), one endpoint per location", make_services)
    for world in worlds:
        world.save()
        world.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
