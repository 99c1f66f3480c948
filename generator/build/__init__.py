"""The build: the pipeline's stages (pipeline.py), one build's settings and result
(context.py), what it makes for each output (outputs.py), and how a failed stage is
reported (failures.py)."""

from .context import BuildContext, BuildRefused, BuildResult, Progress
from .outputs import make_site
from .pipeline import Plan, build_catalogue

__all__ = [
    "BuildContext",
    "BuildRefused",
    "BuildResult",
    "Plan",
    "Progress",
    "build_catalogue",
    "make_site",
]
