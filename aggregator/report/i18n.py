"""Words and number formats of the report in Dutch and English.

Dutch writes ``1.234`` and ``0,25``, English ``1,234`` and ``0.25``; dates spell the month in
the report's language. Every user-visible word of the report that is not prose (headers, axis
titles, legends) lives in :data:`TEXT`, so both languages have the same keys (a test checks).

>>> Formatter("nl").integer(12345), Formatter("en").integer(12345)
('12.345', '12,345')
>>> Formatter("nl").decimal(0.25), Formatter("en").decimal(10.1045)
('0,25', '10.1')
>>> Formatter("nl").date(dt.datetime(2026, 1, 15, 10, 0)), Formatter("en").date(dt.date(2026, 3, 2))
('15 januari 2026', '2 March 2026')
>>> Formatter("nl").between(3, 1200), Formatter("en").interval(3, 1200)
('tussen 3 en 1.200', '3–1,200')
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from aggregator.clock import HAS_ZONE, local_time

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")

#: CBS's mark for a provisional figure ("verklaring van tekens": * voorlopig cijfer). The report
#: puts it on the period of every figure of a provisional release (cover, summary, captions).
PROVISIONAL_MARK = "*"
#: The mark next to an estimate whose 95% interval is wider than the estimate itself: the
#: engine's rule (``estimation.unreliable``), max(ci_high − ci_low, 2 × 1.96 × std_error) >
#: estimate. Eurostat's and SDMX's flag for low reliability; CBS's own "." would replace the
#: figure, and lekstat shows it, and CBS's "*" means provisional.
UNRELIABLE_MARK = "u"
#: CBS's mark for a figure that is not available (a year without that release or table).
NOT_AVAILABLE_MARK = "."
#: Between a figure and its mark: a no-break space, so that ``12 u`` never breaks.
MARK_SPACE = "\u00a0"

MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip

#: Short labels, headers, legends. Keys are the same in both languages.
TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "doc_kicker": "Jaarrapportage aan het parlement",
        "doc_title": (
            "Lekken en onrechtmatig raadplegen van persoonsgegevens door gemeenteambtenaren"
        ),
        "doc_short": "Lekken van persoonsgegevens door gemeenteambtenaren",
        "subtitle_year": "Landelijke cijfers over {year}",
        "subtitle_quarter": "Voorlopige landelijke cijfers over het {quarter} van {year}",
        "key_title": "In het kort",
        "cover_release": "Publicatie {id}, gemaakt op {date}",
        "cover_note": (
            "Alle cijfers in dit rapport komen uit deze publicatie. Ze zijn beschermd met "
            "differentiële privacy en hebben daardoor een foutmarge."
        ),
        "cover_privacy_year": (
            "Privacybudget van {year} tot en met deze publicatie: ρ = {rho} · ε = {epsilon} · "
            "δ = {delta}"
        ),
        "cover_privacy_release": "waarvan deze publicatie: ρ = {rho} · ε = {epsilon}",
        "provisional_note": (
            "{mark} Voorlopige cijfers. {reasons} De definitieve cijfers kunnen ervan afwijken."
        ),
        "reason_unlocked": (
            "Niet elk kwartaal was vergrendeld toen de publicatie werd gemaakt: gemeenten konden "
            "nog corrigeren."
        ),
        "reason_not_ended": "De periode was nog niet voorbij toen de publicatie werd gemaakt.",
        "reason_not_ended_quarter": (
            "Het is een kwartaalpublicatie: de jaarpublicatie meet het hele jaar opnieuw."
        ),
        "threshold_note": (
            "Deze publicatie is gemaakt terwijl minder gemeenten hadden aangeleverd dan de "
            "drempel{threshold}{forced}. Wat de ontbrekende gemeenten meldden, ontbreekt in de "
            "cijfers: ze zijn daardoor waarschijnlijk te laag."
        ),
        "threshold_value": " van {value}",
        "threshold_forced": "; de statisticus heeft haar toch laten maken",
        "provisional_short": (
            "{mark} Voorlopig cijfer: de definitieve publicatie kan ervan afwijken (zie "
            "hoofdstuk 1)."
        ),
        "marks": "Tekens",
        "mark_provisional": "voorlopig cijfer",
        "mark_unreliable": "onbetrouwbaar",
        "mark_not_available": "niet beschikbaar",
        "page": "Pagina",
        "of": "van",
        "contents": "Inhoud",
        "summary": "Samenvatting",
        "figures": "Cijfers per tabel",
        "figures_intro": (
            "Per tabel van de publicatie volgen een grafiek en de tabel zelf. De balk is de "
            "schatting, de lijn met dwarsstreepjes het 95%-interval."
        ),
        "trend": "Ontwikkeling door de jaren",
        "coverage": "Respons van gemeenten",
        "methodology": "Methode en verantwoording",
        "taxonomy": "Indeling (taxonomie)",
        "annex": "Technische gegevens van de publicatie",
        "table": "Tabel",
        "figure": "Figuur",
        "estimate": "Schatting",
        "interval": "95%-interval",
        "std_error": "Standaardfout",
        "stage": "Fase",
        "stages_key": "Fasen",
        "axis_incidents": "aantal incidenten (schatting met 95%-interval)",
        "legend_estimate": "schatting",
        "legend_interval": "95%-interval",
        "legend_unreliable": "onbetrouwbaar",
        "unreliable_note": (
            "{mark} Onbetrouwbaar: het 95%-interval is breder dan de schatting zelf (de breedte "
            "van het interval, of 2 × 1,96 standaardfouten als dat meer is). Het cijfer wordt wel "
            "getoond, maar geeft alleen een orde van grootte aan."
        ),
        "std_error_note": (
            "De standaardfout is die van de onafgeronde schatting waar het interval omheen ligt, "
            "niet die van het afgeronde hele getal (zie 5.3 en hoofdstuk 7)."
        ),
        "interval_note": "Onder elke schatting staat het 95%-interval (ondergrens–bovengrens).",
        "no_figures": "Deze publicatie bevat geen tabellen.",
        "quarter_label": "{n}e kwartaal",
        "quarter_short": "K{n}",
        "year": "Jaar",
        "not_available": "niet beschikbaar",
        "trend_none": (
            "Er zijn nog geen jaarpublicaties over eerdere jaren. Een vergelijking door de jaren "
            "volgt zodra die er zijn."
        ),
        "trend_intro": (
            "Landelijke aantallen per fase in de jaarpublicaties, elk met het 95%-interval. "
            "Voor eerdere jaren is steeds de laatste jaarpublicatie van dat jaar gebruikt."
        ),
        "trend_source": "Bron per jaar",
        "trend_totals": "Landelijke aantallen per jaar",
        "trend_change": "Verschil {before}–{after}",
        "change_higher": "hoger",
        "change_lower": "lager",
        "change_none": "niet aantoonbaar",
        "change_note": (
            "Verschil: het 95%-interval van het verschil tussen de onafgeronde schattingen van de "
            "twee jaren. Alleen als dat interval 0 uitsluit, heet een jaar hoger of lager."
        ),
        "multiyear": "Meerdere jaren samen",
        "multiyear_intro": (
            "Voor fijne uitsplitsingen, zoals functietypen en de afloop per functiegroep, is één "
            "jaar te klein. Opgeteld over de laatste definitieve jaarpublicaties zijn de cijfers "
            "nauwkeuriger. Dat kost geen privacybudget: het is een bewerking van gepubliceerde "
            "cijfers. De som is die van de onafgeronde schattingen, met een standaardfout uit de "
            "opgetelde varianties (elke jaarpublicatie heeft haar eigen, onafhankelijke ruis). "
            "De som is daarna afgerond; ze kan daardoor afwijken van de som van de afgeronde "
            "jaarcijfers."
        ),
        "multiyear_none": (
            "Een som over meerdere jaren volgt zodra er ten minste twee definitieve "
            "jaarpublicaties zijn; {count}."
        ),
        "multiyear_count_0": "er is er nog geen",
        "multiyear_count_1": "er is er nu één",
        "multiyear_sources": "Opgeteld: {sources}.",
        "multiyear_no_tables": (
            "Deze publicatie heeft geen van de fijne uitsplitsingen die over jaren worden opgeteld."
        ),
        "multiyear_left_out": "Niet meegeteld: {releases}.",
        "multiyear_left_out_provisional": "{id} (voorlopig)",
        "multiyear_left_out_threshold": "{id} (onder de drempel van aanleveringen)",
        "multiyear_missing": (
            "Tabel {title} staat niet in elke opgetelde publicatie, of een publicatie vermeldt "
            "geen onafgeronde schatting: voor deze tabel is geen som te maken."
        ),
        "multiyear_sum": "Som {first}–{last}",
        "trend_quarterly": (
            "Dit is een voorlopige kwartaalpublicatie. Kwartaalcijfers zijn niet te vergelijken "
            "met de jaarcijfers van eerdere jaren; de ontwikkeling door de jaren staat in de "
            "jaarrapportage."
        ),
        "coverage_period": "Kwartaal",
        "coverage_expected": "Gemeenten",
        "coverage_submitted": "Aangeleverd",
        "coverage_running": "liep nog",
        "coverage_missing": "Niet aangeleverd",
        "coverage_missing_list": "Gemeenten die niet (volledig) aanleverden",
        "coverage_missing_none": "Alle gemeenten leverden elk kwartaal aan.",
        "coverage_missing_unlisted": (
            "{quarters} was nog niet afgelopen toen deze publicatie werd gemaakt: voor een "
            "kwartaal dat nog loopt staat niemand als ontbrekend vermeld."
        ),
        "coverage_none": "De publicatie vermeldt geen respons van gemeenten.",
        "code": "Code",
        "municipality": "Gemeente",
        "province": "Provincie",
        "quarters_missing": "Ontbrekende kwartalen",
        "total": "Totaal",
        "description": "Omschrijving",
        "label": "Benaming",
        "label_other_lang": "Engelse benaming",
        "taxonomy_group": "Functiegroep",
        "annex_release": "Publicatie",
        "annex_created": "Gemaakt op",
        "annex_period": "Periode",
        "annex_taxonomy": "Versie van de taxonomie",
        "annex_package": "Versie van lekstat",
        "annex_unit": "Privacy-eenheid",
        "annex_mechanism": "Mechanisme",
        "annex_neighbours": "Buren",
        "annex_code": "Versies van de code",
        "annex_journal": "Volgt journaalregel",
        "annex_year_title": "De privacygarantie van {year}",
        "annex_year_text": (
            "Alle publicaties over {year} tot en met deze samen: ρ = {rho} van het budget ρ = "
            "{total} (plafond van deze installatie: ρ = {ceiling}), dat is ε = {epsilon} bij "
            "δ = {delta}."
        ),
        "annex_budget_changes": "Wijzigingen van het budget van het jaar",
        "annex_changed_at": "Gewijzigd op",
        "annex_old": "Van ρ",
        "annex_new": "Naar ρ",
        "annex_reason": "Reden",
        "annex_not_covered": "Wat de garantie niet dekt",
        "annex_tables": "Tabellen van de publicatie",
        "annex_table_name": "Tabel",
        "annex_cells": "Cellen",
        "annex_rho": "ρ",
        "annex_sensitivity": "Gevoeligheid (L2)",
        "annex_noise": "Ruisschaal",
        "annex_expected_se": "Verwachte standaardfout",
        "annex_smallest": "Kleinste betrouwbare aantal",
        "annex_analysts_title": "Voor wie zelf rekent",
        "annex_all": "Totaal",
        "at": "om",
        "amsterdam_time": "Nederlandse tijd",
        "percent_word": "procent",
        "and": "en",
        "to": "tot",
    },
    "en": {
        "doc_kicker": "Annual report to Parliament",
        "doc_title": "Leaks and unlawful consultation of personal data by municipal civil servants",
        "doc_short": "Leaks of personal data by municipal civil servants",
        "subtitle_year": "National figures for {year}",
        "subtitle_quarter": "Provisional national figures for the {quarter} of {year}",
        "key_title": "In brief",
        "cover_release": "Release {id}, created on {date}",
        "cover_note": (
            "Every figure in this report comes from this release. The figures are protected "
            "with differential privacy and therefore have a margin of error."
        ),
        "cover_privacy_year": (
            "Privacy budget of {year} up to and including this release: ρ = {rho} · "
            "ε = {epsilon} · δ = {delta}"
        ),
        "cover_privacy_release": "of which this release: ρ = {rho} · ε = {epsilon}",
        "provisional_note": (
            "{mark} Provisional figures. {reasons} The final figures may differ from them."
        ),
        "reason_unlocked": (
            "Not every quarter was locked when the release was made: municipalities could still "
            "correct their data."
        ),
        "reason_not_ended": "The period had not ended when the release was made.",
        "reason_not_ended_quarter": (
            "This is a quarterly release: the annual release measures the whole year again."
        ),
        "threshold_note": (
            "This release was made while fewer municipalities had reported than the "
            "threshold{threshold}{forced}. What the missing municipalities would have reported "
            "is not in the figures, which are therefore probably too low."
        ),
        "threshold_value": " of {value}",
        "threshold_forced": "; the statistician had it made nevertheless",
        "provisional_short": (
            "{mark} Provisional figure: the final release may differ from it (see chapter 1)."
        ),
        "marks": "Marks",
        "mark_provisional": "provisional figure",
        "mark_unreliable": "unreliable",
        "mark_not_available": "not available",
        "page": "Page",
        "of": "of",
        "contents": "Contents",
        "summary": "Summary",
        "figures": "Figures by table",
        "figures_intro": (
            "Each table of the release is shown as a chart and as the table itself. The bar is "
            "the estimate, the line with end marks the 95% interval."
        ),
        "trend": "Trend over the years",
        "coverage": "Response of municipalities",
        "methodology": "Methodology",
        "taxonomy": "Classification (taxonomy)",
        "annex": "Technical details of the release",
        "table": "Table",
        "figure": "Figure",
        "estimate": "Estimate",
        "interval": "95% interval",
        "std_error": "Standard error",
        "stage": "Stage",
        "stages_key": "Stages",
        "axis_incidents": "number of incidents (estimate with 95% interval)",
        "legend_estimate": "estimate",
        "legend_interval": "95% interval",
        "legend_unreliable": "unreliable",
        "unreliable_note": (
            "{mark} Unreliable: the 95% interval is wider than the estimate itself (the width of "
            "the interval, or 2 × 1.96 standard errors if that is more). The figure is shown, but "
            "it only indicates an order of magnitude."
        ),
        "std_error_note": (
            "The standard error is that of the unrounded estimate the interval is centred on, "
            "not that of the rounded whole number (see 5.3 and chapter 7)."
        ),
        "interval_note": "Below each estimate is its 95% interval (lower–upper bound).",
        "no_figures": "This release contains no tables.",
        "quarter_label": "{ordinal} quarter",
        "quarter_short": "Q{n}",
        "year": "Year",
        "not_available": "not available",
        "trend_none": (
            "There are no annual releases for earlier years yet. A comparison over the years "
            "will follow once there are."
        ),
        "trend_intro": (
            "National numbers by stage in the annual releases, each with its 95% interval. For "
            "earlier years the latest annual release of that year is used."
        ),
        "trend_source": "Source by year",
        "trend_totals": "National numbers by year",
        "trend_change": "Change {before}–{after}",
        "change_higher": "higher",
        "change_lower": "lower",
        "change_none": "not shown",
        "change_note": (
            "Change: the 95% interval of the difference between the two years' unrounded "
            "estimates. Only when that interval excludes 0 is a year called higher or lower."
        ),
        "multiyear": "Several years together",
        "multiyear_intro": (
            "For fine breakdowns, such as function types and the outcomes by function group, one "
            "year is too small. Added up over the latest final annual releases the figures are "
            "more precise. This costs no privacy budget: it is post-processing of published "
            "figures. The sum is that of the unrounded estimates, with a standard error from the "
            "summed variances (each annual release has its own, independent noise). The sum is "
            "rounded afterwards, so it can differ from the sum of the rounded yearly figures."
        ),
        "multiyear_none": (
            "A sum over several years will follow once there are at least two final annual "
            "releases; {count}."
        ),
        "multiyear_count_0": "there is none yet",
        "multiyear_count_1": "there is one so far",
        "multiyear_sources": "Added up: {sources}.",
        "multiyear_no_tables": (
            "This release has none of the fine breakdowns that are added up over years."
        ),
        "multiyear_left_out": "Left out: {releases}.",
        "multiyear_left_out_provisional": "{id} (provisional)",
        "multiyear_left_out_threshold": "{id} (below the reporting threshold)",
        "multiyear_missing": (
            "Table {title} is not in every release added up, or a release does not give the "
            "unrounded estimate: no sum can be made for this table."
        ),
        "multiyear_sum": "Sum {first}–{last}",
        "trend_quarterly": (
            "This is a provisional quarterly release. Quarterly figures cannot be compared with "
            "the annual figures of earlier years; the trend over the years is in the annual "
            "report."
        ),
        "coverage_period": "Quarter",
        "coverage_expected": "Municipalities",
        "coverage_submitted": "Reported",
        "coverage_running": "still running",
        "coverage_missing": "Not reported",
        "coverage_missing_list": "Municipalities that did not (fully) report",
        "coverage_missing_none": "Every municipality reported in every quarter.",
        "coverage_missing_unlisted": (
            "{quarters} had not ended when this release was made: nobody is listed as missing "
            "for a quarter that is still running."
        ),
        "coverage_none": "The release records no response of municipalities.",
        "code": "Code",
        "municipality": "Municipality",
        "province": "Province",
        "quarters_missing": "Quarters missing",
        "total": "Total",
        "description": "Description",
        "label": "Label",
        "label_other_lang": "Dutch label (as on the form)",
        "taxonomy_group": "Function group",
        "annex_release": "Release",
        "annex_created": "Created on",
        "annex_period": "Period",
        "annex_taxonomy": "Taxonomy version",
        "annex_package": "lekstat version",
        "annex_unit": "Privacy unit",
        "annex_mechanism": "Mechanism",
        "annex_neighbours": "Neighbours",
        "annex_code": "Code versions",
        "annex_journal": "Follows journal line",
        "annex_year_title": "The privacy guarantee of {year}",
        "annex_year_text": (
            "All releases of {year} up to and including this one together: ρ = {rho} of the "
            "budget ρ = {total} (this deployment's ceiling: ρ = {ceiling}), that is ε = "
            "{epsilon} at δ = {delta}."
        ),
        "annex_budget_changes": "Changes of the year's budget",
        "annex_changed_at": "Changed on",
        "annex_old": "From ρ",
        "annex_new": "To ρ",
        "annex_reason": "Reason",
        "annex_not_covered": "What the guarantee does not cover",
        "annex_tables": "Tables of the release",
        "annex_table_name": "Table",
        "annex_cells": "Cells",
        "annex_rho": "ρ",
        "annex_sensitivity": "Sensitivity (L2)",
        "annex_noise": "Noise scale",
        "annex_expected_se": "Expected standard error",
        "annex_smallest": "Smallest reliable count",
        "annex_analysts_title": "For those who compute with the figures",
        "annex_all": "Total",
        "at": "at",
        "amsterdam_time": "Amsterdam time",
        "percent_word": "per cent",
        "and": "and",
        "to": "to",
    },
}

_ORDINALS_EN = {1: "first", 2: "second", 3: "third", 4: "fourth"}


class Formatter:
    """Numbers, intervals, dates and words in one language."""

    def __init__(self, lang: Lang) -> None:
        if lang not in LANGS:
            raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
        self.lang: Lang = lang
        self._text = TEXT[lang]
        self._thousands, self._decimal = (".", ",") if lang == "nl" else (",", ".")

    def t(self, key: str, **values: object) -> str:
        """The word or phrase ``key``, with ``values`` filled in."""
        text = self._text[key]
        return text.format(**values) if values else text

    def integer(self, n: int) -> str:
        """An integer with the language's thousands separator."""
        text = f"{int(n):,}"
        return text.replace(",", self._thousands)

    def decimal(self, x: float, significant: int = 3) -> str:
        """A number with ``significant`` significant digits, trailing zeros dropped."""
        x = float(x)
        if x == 0 or not math.isfinite(x):
            return "0" if x == 0 else str(x)
        digits = max(0, significant - 1 - math.floor(math.log10(abs(x))))
        text = f"{x:,.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(",", "\0").replace(".", self._decimal).replace("\0", self._thousands)

    def percent(self, share: float) -> str:
        """A share as a whole percentage: ``31 procent`` / ``31%``."""
        n = self.integer(round(100 * share))
        return f"{n} {self.t('percent_word')}" if self.lang == "nl" else f"{n}%"

    def interval(self, low: int, high: int) -> str:
        """An interval for a table: ``90–106``."""
        return f"{self.integer(low)}–{self.integer(high)}"

    def between(self, low: int, high: int) -> str:
        """An interval in a sentence: ``tussen 90 en 106`` / ``between 90 and 106``."""
        word = "tussen" if self.lang == "nl" else "between"
        return f"{word} {self.integer(low)} {self.t('and')} {self.integer(high)}"

    def estimate(self, n: int, unreliable: bool) -> str:
        """An estimate with the unreliable mark when it applies: ``12 u`` (no-break space)."""
        return self.integer(n) + (MARK_SPACE + UNRELIABLE_MARK if unreliable else "")

    def signed(self, n: int) -> str:
        """A difference with its sign: ``+12``, ``−5`` (a minus sign), ``0``."""
        if n > 0:
            return "+" + self.integer(n)
        return "−" + self.integer(-n) if n < 0 else "0"

    def period(self, year: int, provisional: bool, quarter: int | None = None) -> str:
        """A year (or a quarter of it) with the provisional mark: ``2025*``, ``K1 2025*``."""
        text = f"{self.quarter_short(quarter)} {year}" if quarter else str(year)
        return text + (PROVISIONAL_MARK if provisional else "")

    def date(self, moment: dt.date | dt.datetime) -> str:
        """``15 januari 2026`` / ``15 January 2026`` (a datetime is shown in Dutch time)."""
        if isinstance(moment, dt.datetime):
            moment = local_time(moment)
        return f"{moment.day} {MONTHS[self.lang][moment.month - 1]} {moment.year}"

    def date_time(self, moment: dt.datetime) -> str:
        """``15 januari 2026 om 11.00 uur Nederlandse tijd`` / ``… at 11:00 Amsterdam time``."""
        local = local_time(moment)
        zone = self.t("amsterdam_time") if HAS_ZONE else "UTC"
        clock = f"{local:%H.%M} uur" if self.lang == "nl" else f"{local:%H:%M}"
        return f"{self.date(local)} {self.t('at')} {clock} {zone}"

    def quarter(self, n: int, capital: bool = False) -> str:
        """``1e kwartaal`` / ``first quarter`` (``First quarter`` with ``capital``)."""
        if self.lang == "nl":
            return self.t("quarter_label", n=n)
        text = self.t("quarter_label", ordinal=_ORDINALS_EN[n])
        return text[0].upper() + text[1:] if capital else text

    def quarter_short(self, n: int) -> str:
        """``K1`` / ``Q1``."""
        return self.t("quarter_short", n=n)

    def join(self, items: list[str]) -> str:
        """``a, b en c`` / ``a, b and c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.t('and')} {items[-1]}"
