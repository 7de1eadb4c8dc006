"""The two languages of everything a person reads: ``nl`` (the default) and ``en``.

A module of its own so that code which only needs the type (the command line's ``--help``)
does not load the taxonomy.
"""

from typing import Literal

Lang = Literal["nl", "en"]
