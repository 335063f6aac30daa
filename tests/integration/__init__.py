"""Integration tests: real processes, playbooks and SDKs against the sandbox simulators."""
