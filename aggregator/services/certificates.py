"""The privacy certificate of a release: what its guarantee is, and what it is not.

Made once, when the release is created, from what OpenDP measured and what the year's budget
and journal hold; stored inside the release (and so in its journal line), never changed. It
says, in Dutch and English where a person reads it:

- the privacy unit and the neighbouring relation, the mechanism, and per table its sensitivity,
  ρ and noise scale;
- the release's ρ and (ε, δ), and the year's cumulative ρ and (ε, δ) after this release, with the
  year's releases and every change of the year's budget;
- what the guarantee does not cover;
- the code versions and the journal line it follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

from aggregator import package_version
from aggregator.clock import iso
from aggregator.dp.privacy import DELTA, MECHANISM, MECHANISM_NL, PRIVACY_UNIT, PRIVACY_UNIT_NL
from aggregator.services.budget import epsilon
from aggregator.store import Budget

#: The neighbouring relation of every guarantee lekstat reports, in Dutch and English.
NEIGHBOURS = {
    "nl": "twee verzamelingen aanleveringen zijn buren als ze één incident verschillen, "
    "toegevoegd of weggelaten, met al zijn fasen (onbegrensde differentiële privacy)",
    "en": "two collections of submissions are neighbours when they differ by one incident, "
    "added or removed, with all its stages (unbounded differential privacy)",
}

#: What the guarantee does not cover, each in Dutch and English.
NOT_COVERED: tuple[dict[str, str], ...] = (
    {
        "code": "counting_rules",
        "nl": "De garantie geldt voor de eenheid 'één incident' zoals de telregels die tellen: elk "
        "incident bereikt elke fase hoogstens één keer en heeft één waarde per kenmerk. Een "
        "incident dat een gemeente twee keer telt (in twee kwartalen dezelfde fase, of met twee "
        "functietypen), is voor de garantie twee incidenten.",
        "en": "The guarantee holds for the unit 'one incident' as the counting rules count it: "
        "each incident reaches each stage at most once and has one value per dimension. An "
        "incident a municipality counts twice (the same stage in two quarters, or with two "
        "function types) is two incidents for the guarantee.",
    },
    {
        "code": "several_incidents",
        "nl": "Een ambtenaar met k incidenten is beschermd als k incidenten: voor die persoon "
        "geldt k² maal de rho (groepsprivacy), bij twee incidenten dus 4 × rho.",
        "en": "A civil servant with k incidents is protected as k incidents: for that person the "
        "guarantee is k² times the rho (group privacy), 4 × rho for two incidents.",
    },
    {
        "code": "shared_services",
        "nl": "Een incident bij een samenwerkingsverband van gemeenten meldt alleen de gemeente "
        "waar het verband gevestigd is (telregel). Melden twee gemeenten hetzelfde incident, dan "
        "is het voor de garantie twee incidenten (4 × rho).",
        "en": "An incident at a joint organisation of municipalities is reported only by the "
        "municipality where the organisation is seated (counting rule). If two municipalities "
        "report the same incident, it is two incidents for the guarantee (4 × rho).",
    },
    {
        "code": "two_years",
        "nl": "Een incident waarvan de fasen in twee gegevensjaren vallen, staat in de publicaties "
        "van beide jaren: zijn bescherming is de som van de rho van beide jaren.",
        "en": "An incident whose stages fall in two data years is in both years' releases: its "
        "protection is the sum of both years' rho.",
    },
    {
        "code": "other_sources",
        "nl": "De garantie gaat over wat deze publicaties onthullen, niet over wat iemand al uit "
        "andere bronnen weet (een strafzaak, de krant).",
        "en": "The guarantee is about what these releases reveal, not about what someone knows "
        "from other sources (a criminal case, the press).",
    },
)


def build(
    *,
    release_id: str,
    created_at: dt.datetime,
    rho: float,
    epsilon_: float,
    delta: float,
    tables: Sequence[dict[str, Any]],
    budget_before: Budget,
    ceiling_rho: float,
    journal_prev: str,
) -> dict[str, Any]:
    """The certificate of a release about to be stored (``budget_before``: the year's budget
    before this release spends from it)."""
    releases = [
        {"id": e.release_id, "rho": e.rho, "created_at": iso(e.created_at)}
        for e in budget_before.ledger
    ] + [{"id": release_id, "rho": rho, "created_at": iso(created_at)}]
    cumulative = budget_before.spent_rho + rho
    return {
        "release_id": release_id,
        "created_at": iso(created_at),
        "privacy_unit": {"nl": PRIVACY_UNIT_NL, "en": PRIVACY_UNIT},
        "neighbouring_relation": dict(NEIGHBOURS),
        "mechanism": {"nl": MECHANISM_NL, "en": MECHANISM},
        "tables": [
            {
                "name": t["name"],
                "sensitivity_l2": t["sensitivity_l2"],
                "rho": t["rho"],
                "noise_scale": t["noise_scale"],
            }
            for t in tables
        ],
        "release": {"rho": rho, "epsilon": epsilon_, "delta": delta},
        "year": {
            "year": budget_before.year,
            "total_rho": budget_before.total_rho,
            "ceiling_rho": ceiling_rho,
            "cumulative_rho": cumulative,
            "cumulative_epsilon": epsilon(cumulative),
            "delta": DELTA,
            "releases": releases,
            "budget_changes": [
                {
                    "changed_at": iso(c.changed_at),
                    "changed_by": c.changed_by,
                    "old_rho": c.old_rho,
                    "new_rho": c.new_rho,
                    "reason": c.reason,
                }
                for c in budget_before.changes
            ],
        },
        "not_covered": list(NOT_COVERED),
        "code": {"lekstat": package_version(), "opendp": version("opendp")},
        "journal_prev": journal_prev,
    }
