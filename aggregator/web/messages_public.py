"""The texts of the public figures pages, in Dutch and English.

Merged into :data:`aggregator.web.messages.MESSAGES`, like the portal's.
"""

from __future__ import annotations


def _t(nl: str, en: str) -> dict[str, str]:
    return {"nl": nl, "en": en}


PUBLIC: dict[str, dict[str, str]] = {
    # The list of releases.
    "figures_title": _t("Publieke cijfers", "Public figures"),
    "figures_intro": _t(
        "Elke publicatie geeft landelijke cijfers over een jaar of een kwartaal, beschermd met "
        "differentiële privacy. Bij elk cijfer staat een 95%-interval: de foutmarge.",
        "Each release gives national figures about a year or a quarter, protected with "
        "differential privacy. Every figure has a 95% interval: its margin of error.",
    ),
    "figures_public_only": _t(
        "Hier staan de definitieve publicaties. Voorlopige publicaties zijn er alleen voor "
        "aangemelde analisten en statistici.",
        "These are the final releases. Provisional releases are only for signed-in analysts "
        "and statisticians.",
    ),
    "releases_caption": _t("Publicaties, nieuwste eerst", "Releases, newest first"),
    "col_release": _t("Publicatie", "Release"),
    "col_period": _t("Periode", "Period"),
    "col_created": _t("Gemaakt op", "Created"),
    "col_reported": _t("Gemeenten die aanleverden", "Municipalities that reported"),
    "col_rho": _t("ρ", "ρ"),
    "col_epsilon": _t("ε", "ε"),
    "status_final": _t("definitief", "final"),
    "status_provisional": _t("voorlopig", "provisional"),
    "reported_of": _t("{reported} van {expected}", "{reported} of {expected}"),
    "no_releases_title": _t("Nog geen publicaties", "No releases yet"),
    "no_releases": _t(
        "Er is nog geen publicatie die u kunt inzien. De eerste definitieve cijfers volgen na "
        "afloop van een jaar.",
        "There is no release you can read yet. The first final figures follow after a year "
        "has ended.",
    ),
    "figures_more": _t("Meer over de cijfers", "More about the figures"),
    "figures_api_text": _t(
        "Alle cijfers ook als CSV, JSON, Parquet en SDMX, zonder token voor definitieve "
        "publicaties.",
        "All figures as CSV, JSON, Parquet and SDMX too, without a token for final releases.",
    ),
    # Marks.
    "mark_provisional": _t(
        "voorlopig cijfer: de publicatie is gemaakt voordat elk kwartaal ervan was afgelopen en "
        "vergrendeld; de definitieve publicatie kan ervan afwijken",
        "provisional figure: the release was made before every quarter of it had ended and was "
        "locked; the final release may differ",
    ),
    "mark_unreliable": _t(
        "onbetrouwbaar: het 95%-interval is breder dan het cijfer zelf; lees het als een orde "
        "van grootte",
        "unreliable: the 95% interval is wider than the figure itself; read it as an order of "
        "magnitude",
    ),
    "mark_unreliable_short": _t("onbetrouwbaar", "unreliable"),
    # One release.
    "release_title": _t(
        "Publicatie {id}: cijfers over {period}", "Release {id}: figures of {period}"
    ),
    "provisional_title": _t("Voorlopige cijfers", "Provisional figures"),
    "provisional_text": _t(
        "Deze publicatie is voorlopig ({mark}): niet elk kwartaal ervan was afgelopen en "
        "vergrendeld toen ze werd gemaakt. Gemeenten konden nog aanleveren en corrigeren; de "
        "definitieve publicatie kan ervan afwijken.",
        "This release is provisional ({mark}): not every quarter of it had ended and was "
        "locked when it was made. Municipalities could still submit and correct; the final "
        "release may differ.",
    ),
    "forced_title": _t("Gemaakt met te weinig aanleveringen", "Made with too few submissions"),
    "forced_text": _t(
        "Deze publicatie is gemaakt terwijl te weinig gemeenten hadden aangeleverd ({periods}). "
        "Wat ontbreekt telt als 0: de cijfers zijn waarschijnlijk te laag.",
        "This release was made while too few municipalities had reported ({periods}). What is "
        "missing counts as 0: the figures are probably too low.",
    ),
    "field_created": _t("Gemaakt op", "Created"),
    "field_rho": _t("Privacyverlies ρ (zCDP)", "Privacy loss ρ (zCDP)"),
    "field_epsilon_delta": _t("Als (ε, δ)", "As (ε, δ)"),
    "epsilon_delta": _t("ε = {epsilon}, δ = {delta}", "ε = {epsilon}, δ = {delta}"),
    "field_reported": _t(
        "Gemeenten die aanleverden (kleinste kwartaal)",
        "Municipalities that reported (lowest quarter)",
    ),
    "release_reading": _t(
        "Een cijfer met een breed interval is onzeker; tel de onafgeronde schattingen op, niet "
        "de afgeronde cijfers.",
        "A figure with a wide interval is uncertain; add up the unrounded estimates, not the "
        "rounded figures.",
    ),
    "release_reading_link": _t("Hoe u de cijfers leest", "How to read the figures"),
    "release_documents": _t("Rapport, certificaat en SDMX", "Report, certificate and SDMX"),
    "download_report_pdf": _t("Jaarrapportage (PDF)", "Annual report (PDF)"),
    "download_report_html": _t("Jaarrapportage (HTML)", "Annual report (HTML)"),
    "certificate_link": _t(
        "Privacycertificaat van deze publicatie", "Privacy certificate of this release"
    ),
    "download_sdmx_structure": _t(
        "SDMX-structuur (SDMX-ML 3.0: codelijsten, begrippen, datastructuren)",
        "SDMX structure (SDMX-ML 3.0: codelists, concepts, data structures)",
    ),
    "downloads_explained": _t(
        "Elke tabel is hieronder te downloaden. CSV is gescheiden door puntkomma's met een "
        "decimale komma, zoals Nederlandse Excel het opent; de herkomst (publicatie, periode, "
        "status, ρ, ε en δ, datum, versie van de taxonomie, de betekenis van elke kolom en de "
        "tekens) staat in het metadatabestand ernaast, of samen in de zip.",
        "Every table can be downloaded below. CSV is separated by semicolons with a decimal "
        "comma, as Dutch Excel opens it (or by commas, on request); its provenance (release, "
        "period, status, ρ, ε and δ, date, taxonomy version, the meaning of every column and "
        "the marks) is in the metadata file beside it, or together in the zip.",
    ),
    "release_tables": _t("Tabellen", "Tables"),
    "table_stage": _t("Fase: {stage}", "Stage: {stage}"),
    "table_caption": _t("{title}, {period}", "{title}, {period}"),
    "col_estimate": _t("Schatting {period}", "Estimate {period}"),
    "col_estimate_plain": _t("Schatting", "Estimate"),
    "col_interval": _t("95%-interval", "95% interval"),
    "col_std_error": _t("Standaardfout", "Standard error"),
    "col_series": _t("Door de jaren", "Over the years"),
    "series_link": _t("door de jaren", "over the years"),
    "table_downloads": _t("Downloaden: {title}", "Download: {title}"),
    "download_zip": _t("CSV met metadata (zip)", "CSV with metadata (zip)"),
    "download_csv": _t("CSV voor Nederlandse Excel (;)", "CSV for Dutch Excel (;)"),
    "download_csv_comma": _t("CSV met komma's (,)", "CSV with commas (,)"),
    "download_metadata": _t(
        "Metadata van de CSV (CSV on the Web, JSON)", "Metadata of the CSV (CSV on the Web, JSON)"
    ),
    "download_json": _t("JSON met metadata", "JSON with metadata"),
    "download_parquet": _t("Parquet met metadata", "Parquet with metadata"),
    "download_sdmx": _t("SDMX-CSV 2.0", "SDMX-CSV 2.0"),
    # The certificate.
    "certificate_title": _t(
        "Privacycertificaat van publicatie {id}", "Privacy certificate of release {id}"
    ),
    "certificate_crumb": _t("Privacycertificaat", "Privacy certificate"),
    "certificate_intro": _t(
        "Wat de privacygarantie van de cijfers over {period} is, en wat ze niet is. Het "
        "certificaat is gemaakt met de publicatie en verandert nooit.",
        "What the privacy guarantee of the figures of {period} is, and what it is not. The "
        "certificate was made with the release and never changes.",
    ),
    "certificate_guarantee": _t("De garantie", "The guarantee"),
    "cert_privacy_unit": _t("Wat beschermd is", "What is protected"),
    "cert_neighbours": _t("Buren", "Neighbours"),
    "cert_mechanism": _t("Mechanisme", "Mechanism"),
    "cert_release": _t("Deze publicatie", "This release"),
    "cert_rho_eps": _t(
        "ρ = {rho}; ε = {epsilon}, δ = {delta}", "ρ = {rho}; ε = {epsilon}, δ = {delta}"
    ),
    "cert_year": _t(
        "Het jaar {year} tot en met deze publicatie", "The year {year} up to this release"
    ),
    "cert_budget": _t("Budget van het jaar", "The year's budget"),
    "cert_budget_value": _t(
        "ρ = {total} (plafond ρ = {ceiling})", "ρ = {total} (ceiling ρ = {ceiling})"
    ),
    "cert_created": _t("Gemaakt op", "Made"),
    "cert_tables_caption": _t("Per tabel", "Per table"),
    "col_table": _t("Tabel", "Table"),
    "col_sensitivity": _t("Gevoeligheid (L2)", "Sensitivity (L2)"),
    "col_noise": _t("Ruisschaal", "Noise scale"),
    "cert_year_releases": _t("Publicaties over {year}", "Releases of {year}"),
    "cert_year_release": _t("{id}: ρ = {rho}", "{id}: ρ = {rho}"),
    "cert_budget_changes": _t("Wijzigingen van het budget", "Changes of the budget"),
    "cert_budget_change": _t("van ρ = {old} naar ρ = {new}", "from ρ = {old} to ρ = {new}"),
    "cert_budget_set": _t("vastgesteld op ρ = {new}", "set at ρ = {new}"),
    "cert_not_covered": _t("Wat de garantie niet dekt", "What the guarantee does not cover"),
    "cert_code": _t("Versies en journaal", "Versions and journal"),
    "cert_journal": _t("Vorige regel van het journaal", "Previous journal line"),
    "back_release": _t("Terug naar publicatie {id}", "Back to release {id}"),
    # A figure across the years.
    "chart_region": _t("Grafiek: {title}", "Chart: {title}"),
    "series_title": _t("Door de jaren: {figure}", "Over the years: {figure}"),
    "series_crumb": _t("Door de jaren", "Over the years"),
    "series_intro": _t(
        "Uit de tabel '{table}': per jaar het cijfer uit de nieuwste jaarpublicatie, met het "
        "95%-interval.",
        "From the table '{table}': per year the figure of the newest yearly release, with its "
        "95% interval.",
    ),
    "col_year": _t("Jaar", "Year"),
    "series_changes": _t("Verschil met het jaar ervoor", "Change from the year before"),
    "series_changes_intro": _t(
        "Het verschil van de onafgeronde schattingen, met zijn 95%-interval. Alleen als dat "
        "interval 0 uitsluit, is een jaar aantoonbaar hoger of lager.",
        "The change of the unrounded estimates, with its 95% interval. Only when that interval "
        "excludes 0 is a year demonstrably higher or lower.",
    ),
    "series_change": _t(
        "{years}: {change} (95%-interval {interval}).",
        "{years}: {change} (95% interval {interval}).",
    ),
    "change_higher": _t("Aantoonbaar hoger.", "Demonstrably higher."),
    "change_lower": _t("Aantoonbaar lager.", "Demonstrably lower."),
    "change_none": _t("Geen aantoonbaar verschil.", "No demonstrable difference."),
    "series_no_changes": _t(
        "Een verschil volgt zodra er twee definitieve jaarpublicaties zijn.",
        "A change follows once there are two final yearly releases.",
    ),
    "series_sum": _t("Opgeteld over de definitieve jaren", "Added up over the final years"),
    "series_sum_text": _t(
        "De som over {years}: nauwkeuriger dan één jaar, zonder extra privacybudget (een "
        "bewerking van gepubliceerde cijfers).",
        "The sum over {years}: more precise than one year, without extra privacy budget (a "
        "computation on published figures).",
    ),
    # The methodology.
    "methodology_title": _t("Methodologie", "Methodology"),
    "method_intro": _t(
        "Hoe lekstat telt, de cijfers beschermt en publiceert, en hoe u een cijfer leest.",
        "How lekstat counts, protects and publishes the figures, and how to read a figure.",
    ),
    "method_counted_heading": _t("Wat er geteld wordt", "What is counted"),
    "method_counted": _t(
        "De eenheid is één incident: de zaak van één ambtenaar die persoonsgegevens lekte of "
        "onrechtmatig raadpleegde. Elke gemeente meldt per kwartaal hoeveel incidenten in dat "
        "kwartaal een fase bereikten (signaal, intern onderzoek, aanhouding, …). Een incident "
        "komt zo in meerdere fasen voor: tel fasen niet bij elkaar op.",
        "The unit is one incident: the case of one civil servant who leaked or unlawfully "
        "consulted personal data. Each quarter, every municipality reports how many incidents "
        "reached a stage in that quarter (signal, internal investigation, arrest, …). An "
        "incident therefore appears at several stages: do not add stages together.",
    ),
    "method_privacy_heading": _t("Differentiële privacy", "Differential privacy"),
    "method_privacy": _t(
        "Landelijke aantallen zijn klein; een cijfer per gemeente zou naar één persoon kunnen "
        "wijzen. lekstat publiceert daarom alleen landelijke cijfers, met ruis van OpenDP "
        "(discreet Gaussisch mechanisme, zCDP). Elke publicatie vermeldt haar privacyverlies ρ "
        "en dat als (ε, δ); elk jaar heeft een vast budget dat nooit wordt overschreden.",
        "National counts are small; a figure per municipality could point to one person. "
        "lekstat therefore publishes only national figures, with noise from OpenDP (discrete "
        "Gaussian mechanism, zCDP). Every release states its privacy loss ρ and that as "
        "(ε, δ); every year has a fixed budget that is never exceeded.",
    ),
    "method_interval_heading": _t("Een interval lezen", "Reading an interval"),
    "method_interval": _t(
        "Bij elk cijfer staat een 95%-interval: over herhaalde publicaties bevat het ongeveer "
        "95 van de 100 keer het ware aantal. '40 (33–47)' betekent: de beste schatting is 40, "
        "het ware aantal ligt vrijwel zeker tussen 33 en 47. Overlappen de intervallen van twee "
        "cijfers, dan kan het verschil door de ruis komen.",
        "Every figure has a 95% interval: over repeated releases it contains the true number "
        "about 95 times in 100. '40 (33–47)' means: the best estimate is 40, the true number "
        "almost certainly lies between 33 and 47. When the intervals of two figures overlap, "
        "the difference may be due to the noise.",
    ),
    "method_marks_heading": _t("Tekens", "Marks"),
    "method_marks": _t(
        "Een cijfer kan een teken dragen, zoals het CBS ze gebruikt; het cijfer wordt dan "
        "getoond, met het teken erachter. In SDMX zijn dat de waarnemingsstatussen P en U.",
        "A figure can carry a mark, as CBS uses them; the figure is then shown with the mark "
        "after it. In SDMX these are the observation statuses P and U.",
    ),
    "method_final_heading": _t("Voorlopig en definitief", "Provisional and final"),
    "method_final": _t(
        "Een publicatie is definitief als elk kwartaal ervan is afgelopen en vergrendeld: dan "
        "kan geen gemeente meer corrigeren. Definitieve publicaties zijn openbaar; voorlopige "
        "alleen voor analisten en statistici. Een publicatie verandert nooit meer; een nieuwe "
        "meting is een nieuwe publicatie.",
        "A release is final when every quarter of it has ended and is locked: then no "
        "municipality can correct any more. Final releases are public; provisional ones are "
        "only for analysts and statisticians. A release never changes; a new measurement is a "
        "new release.",
    ),
    "method_adding_heading": _t("Cijfers optellen", "Adding figures up"),
    "method_adding": _t(
        "De gepubliceerde cijfers zijn niet-negatieve hele getallen die precies optellen tot "
        "hun totalen. Wie zelf cellen of jaren optelt, gebruikt de kolom estimate_unrounded "
        "(de zuivere schatting vóór afronding) en telt de kwadraten van de standaardfouten op.",
        "The published figures are non-negative whole numbers that add up exactly to their "
        "totals. To add up cells or years yourself, use the column estimate_unrounded (the "
        "unbiased estimate before rounding) and add the squares of the standard errors.",
    ),
    "method_years_heading": _t("Door de jaren", "Over the years"),
    "method_years": _t(
        "Elke jaarpublicatie heeft haar eigen, onafhankelijke ruis. Een verschil tussen twee "
        "jaren is pas aantoonbaar als het 95%-interval van het verschil 0 uitsluit; opgeteld "
        "over jaren zijn fijne uitsplitsingen nauwkeuriger.",
        "Every yearly release has its own, independent noise. A change between two years is "
        "only demonstrable when the 95% interval of the change excludes 0; added up over years, "
        "fine breakdowns are more precise.",
    ),
    "method_more_heading": _t("De volledige verantwoording", "The full account"),
    "method_more": _t(
        "Het hoofdstuk 'Methode en verantwoording' van de jaarrapportage (publicatie {id}) "
        "geeft alles: de fasen, de verdeling van het budget over de tabellen, hoe de tabellen "
        "op elkaar aansluiten en de respons van gemeenten.",
        "The chapter 'Method' of the annual report (release {id}) gives everything: the "
        "stages, the split of the budget over the tables, how the tables fit together and the "
        "response of municipalities.",
    ),
    "method_more_none": _t(
        "De volledige verantwoording staat in de jaarrapportage, zodra er een definitieve "
        "publicatie is.",
        "The full account is in the annual report, once there is a final release.",
    ),
}
