"""CLI commands under 'meetkit sweep': sweep_simulate."""

from __future__ import annotations

import argparse


def register(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    return None
