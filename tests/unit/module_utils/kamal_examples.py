"""The source design's production Kamal config, shared by the validator, renderer and golden tests.

Values are obviously fake; 203.0.113.0/24 is the documentation address range.
"""

from __future__ import annotations

PRODUCTION_CONFIG = {
    "service": "bolt",
    "image": "boltfoundry/bolt",
    "servers": {"web": ["203.0.113.10"]},
    "proxy": {"ssl": True, "host": "app.boltfoundry.com", "app_port": 8000, "healthcheck": {"path": "/up"}},
    "registry": {"server": "ghcr.io", "username": "boltfoundry", "password": ["KAMAL_REGISTRY_PASSWORD"]},
    "builder": {"arch": "amd64"},
    "env": {"clear": {"PORT": 8000, "BF_ENV": "production"}, "secret": ["DATABASE_KEY", "HYPERDX_API_KEY"]},
    "volumes": ["/mnt/data/bolt:/data"],
}

# What the secrets role syncs: the app's secrets, the registry token, and an infra-only token.
PRODUCTION_SECRETS = {
    "DATABASE_KEY": "fake-db-key-0000",
    "HYPERDX_API_KEY": "fake-hyperdx-0000",
    "KAMAL_REGISTRY_PASSWORD": "fake-ghcr-token-0000",
}
INFRA_SECRETS = {"HCLOUD_TOKEN": "fake-hcloud-0000"}
