# The fixtures live in an importable module so tests can also use its helpers.
from banso.testing import *  # noqa: F403
