"""Demonstration support: the synthetic world, the demo, and real-process helpers."""
