"""Where the tests find files: the project root and the shared sample exports beside it.

``../shared/samples`` (next to the project root, on CI too) holds real platform exports; see its
SOURCES.md. Import as ``from helpers_paths import SAMPLES`` (conftest puts tests/ on sys.path).
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"
