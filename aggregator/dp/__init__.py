"""Differential privacy: the only package that imports OpenDP, and the release pipeline."""
