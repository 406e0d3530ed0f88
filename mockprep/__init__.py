"""mockprep: rehearse interview answers aloud and get honest, evidence-linked feedback, fully offline."""

__version__ = "0.1.0"
