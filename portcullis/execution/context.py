"""The context a served request runs with: the resolvers' Context, plus what only the runtime
reads (the app's query limits, portcullis/execution/limits.py). Settings stay out of resolvers/."""

from dataclasses import dataclass, field

from portcullis.settings import Limits
from resolvers.context import Context


@dataclass
class RequestContext(Context):
    limits: Limits = field(default_factory=Limits)
