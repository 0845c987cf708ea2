"""The meeting dossier: everything the archive keeps about a meeting, in one marked PDF."""

from meetkit.dossier.collect import Dossier, Section, collect
from meetkit.dossier.render import print_dossier, record_printed, render, write_dossier

__all__ = ["Dossier", "Section", "collect", "print_dossier", "record_printed", "render", "write_dossier"]
