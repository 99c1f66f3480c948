"""The pipeline's stages, load → read → validate → select → render → index → write.

pipeline.py holds the stages, context.py one build's settings and result,
outputs.py what it makes for each output, failures.py how a failed stage is
reported."""

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
