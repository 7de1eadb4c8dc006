"""The summary, whose first sentences are the report's first page: how many new cases, from
which function groups, what kinds of data, and how that compares with earlier years.

It states only what the figures support:

- every number comes with its 95% interval, and a figure marked unreliable is called so in words;
- a breakdown names its reliable cells (in the taxonomy's order, which ranks nothing) and only
  counts the others;
- a cell is called the largest only when it is reliable and the 95% interval of its difference
  from every other cell excludes 0 (:func:`leader`);
- no shares: a share of flagged estimates would look precise and is not;
- a comparison with an earlier year follows :func:`aggregator.report.years.comparison`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from aggregator.dp.estimation import Z95
from aggregator.report import years
from aggregator.report.data import ReportData, totals_table
from aggregator.report.view import Labels, Record, TableRow, at_stage, figure
from schemas.tables import STAGE
from schemas.taxonomy import GROUP_DIMENSION

#: The motive the summary names: leaking to criminals, what lekstat exists to count.
CRIMINAL_MOTIVE = "MO01_CRIMINEEL"
DATA_DIMENSION = "data_category"

#: The summary's sentences per language; ``{label}`` is quoted, ``{between}`` an interval.
PROSE = {
    "nl": {
        "lead": "{period} kwamen bij gemeenten naar schatting {n} nieuwe zaken aan het licht "
        "(fase ‘{stage}’): signalen of vermoedens dat een ambtenaar persoonsgegevens lekte of "
        "onrechtmatig raadpleegde.",
        "lead_provisional": "Volgens voorlopige cijfers kwamen {period} bij gemeenten naar "
        "schatting {n} nieuwe zaken aan het licht (fase ‘{stage}’): signalen of vermoedens dat "
        "een ambtenaar persoonsgegevens lekte of onrechtmatig raadpleegde.",
        "lead_interval": "Het werkelijke aantal ligt met 95 procent betrouwbaarheid {between}.",
        "lead_unreliable": "Dat aantal is onbetrouwbaar: het 95%-interval ({between}) is "
        "breder dan de schatting zelf, zodat het alleen een orde van grootte geeft.",
        f"{GROUP_DIMENSION}_first": "Uit de functiegroep {label} kwamen naar schatting {n} "
        "nieuwe zaken ({between})",
        f"{GROUP_DIMENSION}_next": "uit {label} {n} ({between})",
        f"{GROUP_DIMENSION}_one": "functiegroep",
        f"{GROUP_DIMENSION}_many": "functiegroepen",
        f"{DATA_DIMENSION}_first": "Bij naar schatting {n} nieuwe zaken ging het om {label} "
        "({between})",
        f"{DATA_DIMENSION}_next": "bij {n} om {label} ({between})",
        f"{DATA_DIMENSION}_one": "gegevenscategorie",
        f"{DATA_DIMENSION}_many": "gegevenscategorieën",
        "leader": "{label} is daarmee de {one} met de meeste nieuwe zaken: het verschil met "
        "elke andere {one} is groter dan de foutmarge van dat verschil.",
        "no_leader": "Welke {one} de meeste nieuwe zaken had, is met deze cijfers niet te "
        "zeggen: niet elk verschil is groter dan zijn foutmarge.",
        "rest": "Voor de andere {k} {many} zijn de aantallen te klein om betrouwbaar te "
        "schatten (tabel {table}).",
        "rest_one": "Voor de andere {one} is het aantal te klein om betrouwbaar te schatten "
        "(tabel {table}).",
        "none_reliable": "Per {one} zijn de aantallen te klein om betrouwbaar te schatten; "
        "tabel {table} geeft ze met hun interval.",
        "motive": "Bij naar schatting {n} nieuwe zaken was het motief {label} ({between}).",
        "motive_unreliable": "Bij hoeveel nieuwe zaken het motief {label} was, is alleen bij "
        "benadering te zeggen: naar schatting {n}, met een 95%-interval ({between}) dat breder "
        "is dan die schatting.",
        "response": "{k} van de {n} gemeenten leverden {when} gegevens aan (ook een nulmelding "
        "telt als aanlevering).",
        "response_all": "in alle vier kwartalen",
        "response_one": "in het kwartaal",
    },
    "en": {
        "lead": "{period}, municipalities identified an estimated {n} new cases (stage "
        "‘{stage}’): signals or suspicions that a civil servant leaked or unlawfully consulted "
        "personal data.",
        "lead_provisional": "According to provisional figures, {period} municipalities "
        "identified an estimated {n} new cases (stage ‘{stage}’): signals or suspicions that a "
        "civil servant leaked or unlawfully consulted personal data.",
        "lead_interval": "With 95% confidence the true number lies {between}.",
        "lead_unreliable": "That number is unreliable: its 95% interval ({between}) is wider "
        "than the estimate itself, so it only gives an order of magnitude.",
        f"{GROUP_DIMENSION}_first": "An estimated {n} new cases came from the function group "
        "{label} ({between})",
        f"{GROUP_DIMENSION}_next": "{n} from {label} ({between})",
        f"{GROUP_DIMENSION}_one": "function group",
        f"{GROUP_DIMENSION}_many": "function groups",
        f"{DATA_DIMENSION}_first": "An estimated {n} new cases concerned {label} ({between})",
        f"{DATA_DIMENSION}_next": "{n} {label} ({between})",
        f"{DATA_DIMENSION}_one": "data category",
        f"{DATA_DIMENSION}_many": "data categories",
        "leader": "{label} is thus the {one} with the most new cases: its difference from every "
        "other {one} is larger than the margin of error of that difference.",
        "no_leader": "Which {one} had the most new cases cannot be told from these figures: not "
        "every difference is larger than its margin of error.",
        "rest": "For the other {k} {many} the numbers are too small to estimate reliably "
        "(table {table}).",
        "rest_one": "For the other {one} the number is too small to estimate reliably (table "
        "{table}).",
        "none_reliable": "By {one} the numbers are too small to estimate reliably; table "
        "{table} gives them with their intervals.",
        "motive": "An estimated {n} new cases had the motive {label} ({between}).",
        "motive_unreliable": "How many new cases had the motive {label} can only be told "
        "roughly: an estimated {n}, with a 95% interval ({between}) wider than that estimate.",
        "response": "{k} of the {n} municipalities reported {when} (a nil return counts as a "
        "report).",
        "response_all": "in all four quarters",
        "response_one": "for the quarter",
    },
}


@dataclass
class Summary:
    """The summary: the first page's answers (``key``) and the figures around them."""

    lead: str = ""
    groups: str = ""
    data: str = ""
    comparison: str = ""
    motives: str = ""
    response: str = ""
    stages: list[TableRow] = field(default_factory=list)
    has_unreliable: bool = False

    @property
    def key(self) -> list[tuple[str, str]]:
        """The answers of the first page, in the order the question asks them: (what it
        answers, the sentences)."""
        answers = {
            "lead": self.lead,
            "groups": self.groups,
            "data": self.data,
            "comparison": self.comparison,
        }
        return [(kind, text) for kind, text in answers.items() if text]


def leader(frame: pd.DataFrame) -> Record | None:
    """The cell that is larger than every other cell of ``frame`` as far as the figures can
    tell, or ``None``.

    The cell must be reliable, and for every other cell the 95% interval of the difference of
    the two unbiased estimates, rounded inward as a change between years is, must lie above 0.
    A release does not publish the covariance of two of its cells, so the standard error of
    the difference is taken at its largest possible value, s_a + s_b (Cauchy–Schwarz: the
    correlation is at most 1 in size): the test can only be more cautious than the exact one.

    >>> cells = pd.DataFrame({"estimate": [40, 12, 9], "estimate_unrounded": [40.2, 11.8, 9.1],
    ...     "std_error": [4.0, 4.0, 4.0], "unreliable": [False, False, True]})
    >>> int(leader(cells)["estimate"])
    40
    >>> leader(cells.assign(estimate_unrounded=[20.0, 11.8, 9.1])) is None
    True
    """
    records = frame.to_dict("records")
    if len(records) < 2:
        return None
    value = "estimate_unrounded" if "estimate_unrounded" in frame.columns else "estimate"
    top = max(records, key=lambda r: float(r[value]))
    if bool(top["unreliable"]):
        return None
    for r in records:
        if r is top:
            continue
        d = float(top[value]) - float(r[value])
        bound = float(top["std_error"]) + float(r["std_error"])
        if math.ceil(d - Z95 * bound - 1e-9) <= 0:
            return None
    return top


def build_summary(data: ReportData, labels: Labels, numbers: dict[str, str]) -> Summary:
    """The summary, from the totals and the first stage's tables where the plan has them;
    ``numbers`` are the section numbers of the release's tables (for references)."""
    fmt = labels.fmt
    words = PROSE[fmt.lang]
    out = Summary()
    first_stage = labels.taxonomy.stages[0]
    name = totals_table(data.release, data.tables)
    if name is not None:
        totals = data.tables[name]
        out.stages = [
            TableRow((labels.code(STAGE, str(r[STAGE])),), (figure(fmt, str(r[STAGE]), r),))
            for r in totals.to_dict("records")
        ]
        out.has_unreliable = any(row.figures[0].unreliable for row in out.stages)
        lead = totals[totals[STAGE] == first_stage].to_dict("records")
        if lead:
            out.lead = _lead(data, labels, lead[0])
    for dim in (GROUP_DIMENSION, DATA_DIMENSION):
        found = at_stage(data, dim, first_stage)
        if found is not None:
            text = _breakdown(dim, found[1], labels, numbers.get(found[0], ""))
            setattr(out, "groups" if dim == GROUP_DIMENSION else "data", text)
    out.comparison = years.comparison(data, labels)
    motives = at_stage(data, "motive", first_stage)
    if motives is not None:
        rows = motives[1][motives[1]["motive"] == CRIMINAL_MOTIVE].to_dict("records")
        if rows:
            r = rows[0]
            key = "motive_unreliable" if bool(r["unreliable"]) else "motive"
            out.motives = words[key].format(
                n=fmt.integer(int(r["estimate"])),
                label=_quoted(labels.code("motive", CRIMINAL_MOTIVE).lower()),
                between=fmt.between(int(r["ci_low"]), int(r["ci_high"])),
            )
    out.response = _response(data, labels)
    return out


def _quoted(label: str) -> str:
    # Quoted: labels such as "Public space and enforcement" contain "and".
    return f"‘{label}’"


def _lead(data: ReportData, labels: Labels, r: Record) -> str:
    fmt = labels.fmt
    words = PROSE[fmt.lang]
    if data.quarter:
        q = fmt.quarter(data.quarter)
        period = f"in het {q} van {data.year}" if fmt.lang == "nl" else f"in the {q} of {data.year}"
    else:
        period = f"in {data.year}"
    values = {"n": fmt.integer(int(r["estimate"])), "stage": labels.stage_plain(str(r[STAGE]))}
    values["stage"] = values["stage"].lower()
    if data.status.provisional:
        text = words["lead_provisional"].format(period=period, **values)
    else:
        text = words["lead"].format(period=period[0].upper() + period[1:], **values)
    between = fmt.between(int(r["ci_low"]), int(r["ci_high"]))
    key = "lead_unreliable" if bool(r["unreliable"]) else "lead_interval"
    return f"{text} {words[key].format(between=between)}"


def _breakdown(dim: str, frame: pd.DataFrame, labels: Labels, table: str) -> str:
    """The reliable cells of a first-stage breakdown in words, who is largest if the figures
    can tell, and how many cells are too small."""
    fmt = labels.fmt
    words = PROSE[fmt.lang]
    one, many = words[f"{dim}_one"], words[f"{dim}_many"]
    records = frame.to_dict("records")
    reliable = [r for r in records if not bool(r["unreliable"])]
    if not reliable:
        return words["none_reliable"].format(one=one, table=table)
    items = [
        words[f"{dim}_first" if i == 0 else f"{dim}_next"].format(
            label=_quoted(labels.code(dim, str(r[dim]))),
            n=fmt.integer(int(r["estimate"])),
            between=fmt.between(int(r["ci_low"]), int(r["ci_high"])),
        )
        for i, r in enumerate(reliable)
    ]
    sentences = [fmt.join(items) + "."]
    top = leader(frame)
    if top is not None:
        label = _quoted(labels.code(dim, str(top[dim])))
        sentences.append(words["leader"].format(label=label, one=one))
    elif len(records) > 1:
        sentences.append(words["no_leader"].format(one=one))
    rest = len(records) - len(reliable)
    if rest == 1:
        sentences.append(words["rest_one"].format(one=one, table=table))
    elif rest > 1:
        sentences.append(words["rest"].format(k=fmt.integer(rest), many=many, one=one, table=table))
    return " ".join(sentences)


def _response(data: ReportData, labels: Labels) -> str:
    fmt = labels.fmt
    n, k = data.expected_municipalities, data.reported_every_quarter
    if not data.coverage or k is None:  # the release does not say who was missing somewhere
        return ""
    words = PROSE[fmt.lang]
    when = words["response_all"] if len(data.coverage) == 4 else words["response_one"]
    return words["response"].format(k=fmt.integer(k), n=fmt.integer(n), when=when)
