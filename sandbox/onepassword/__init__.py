"""The simulated 1Password SDK core: onepassword-sdk's native core replaced by one over a vault file.

``core.SimulatedCore`` implements the native core's JSON invocation protocol;
the collection's client layer (``plugins/module_utils/onepassword.py``) puts
it under the SDK when ``BF_ONEPASSWORD_SANDBOX`` names a vault file.
``seed_vault.json`` is the world tests and ``make sandbox`` start from;
``python -m sandbox.onepassword --help`` copies it and prints the environment
that selects it.
"""

from pathlib import Path

SEED_VAULT = Path(__file__).with_name("seed_vault.json")
SANDBOX_ENV = "BF_ONEPASSWORD_SANDBOX"
