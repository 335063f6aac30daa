"""The Hetzner Cloud simulator driven by the real hcloud library."""
