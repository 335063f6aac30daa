"""Integration tests: real ansible-playbook and SDKs against the sandbox simulators."""
