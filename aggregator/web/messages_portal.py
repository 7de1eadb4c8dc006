"""The texts of signing in and of the municipality's portal, in Dutch and English.

Merged into :data:`aggregator.web.messages.MESSAGES` (the one catalogue the pages read); kept in
its own module so that each part of the portal has its texts in one place.
"""

from __future__ import annotations

_MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

MONTHS: dict[str, dict[str, str]] = {
    f"month_{i}": {"nl": nl, "en": en}
    for i, (nl, en) in enumerate(zip(_MONTHS_NL, _MONTHS_EN, strict=True), start=1)
}

ACCOUNT: dict[str, dict[str, str]] = {
    "signed_in_as": {"nl": "Aangemeld: {name}", "en": "Signed in: {name}"},
    "my_portal": {"nl": "Mijn lekstat", "en": "My lekstat"},
    "sign_out": {"nl": "Afmelden", "en": "Sign out"},
    "sign_in_reason_required": {
        "nl": "Meld u aan om deze pagina te zien.",
        "en": "Sign in to see this page.",
    },
    "sign_in_reason_ended": {
        "nl": (
            "Uw sessie is verlopen of beëindigd (bijvoorbeeld omdat uw token is ingetrokken). "
            "Meld u opnieuw aan."
        ),
        "en": (
            "Your session has expired or was ended (for example because your token was "
            "revoked). Please sign in again."
        ),
    },
    "sign_in_reason_signed_out": {
        "nl": "U bent afgemeld. Tot de volgende keer.",
        "en": "You have signed out. Until next time.",
    },
    "refusal_text": {"nl": "{message}", "en": "{message}"},
    "portal_title": {"nl": "Mijn lekstat", "en": "My lekstat"},
    "portal_role_intro": {
        "nl": "U bent aangemeld als {role}.",
        "en": "You are signed in as {role}.",
    },
    "portal_role_later": {
        "nl": (
            "De pagina's voor uw rol komen in een volgende versie van het portaal. Tot dan "
            "gebruikt u lekstat-server of de API, met dezelfde rechten."
        ),
        "en": (
            "The pages for your role come in a later version of the portal. Until then, use "
            "lekstat-server or the API, with the same rights."
        ),
    },
    "back_portal": {"nl": "Naar Mijn lekstat", "en": "To My lekstat"},
}

REFUSED: dict[str, dict[str, str]] = {
    "too_large_title": {"nl": "Het bestand is te groot", "en": "The file is too large"},
    "too_large_text": {
        "nl": (
            "Wat u verstuurde is groter dan {mb} MB, meer dan lekstat aanneemt; er is niets "
            "opgeslagen. Een aanlevering is veel kleiner: kies het ingevulde sjabloon, zonder "
            "afbeeldingen of extra bladen."
        ),
        "en": (
            "What you sent is larger than {mb} MB, more than lekstat accepts; nothing was "
            "stored. A submission is much smaller: choose the filled-in template, without "
            "pictures or extra sheets."
        ),
    },
    "too_slow_title": {"nl": "Het versturen duurde te lang", "en": "Sending took too long"},
    "too_slow_text": {
        "nl": "Het bestand kwam niet op tijd binnen; er is niets opgeslagen. Probeer het opnieuw.",
        "en": "The file did not arrive in time; nothing was stored. Please try again.",
    },
    "too_many_title": {"nl": "Even te veel tegelijk", "en": "Too much at once"},
    "too_many_text": {
        "nl": (
            "Er kwamen te veel verzoeken tegelijk binnen. Wacht een minuut en probeer het opnieuw."
        ),
        "en": "Too many requests came in at once. Wait a minute and try again.",
    },
    "refused_alert": {"nl": "Dit is niet gelukt", "en": "This did not work"},
    "refused_invalid_title": {"nl": "Dit kan zo niet", "en": "This cannot be done like this"},
    "refused_conflict_title": {"nl": "Dit kan nu niet", "en": "This cannot be done now"},
    "refused_forbidden_title": {"nl": "Geen toegang", "en": "No access"},
    "refused_too_large_title": {"nl": "Te groot", "en": "Too large"},
    "refused_busy_title": {"nl": "Even te druk", "en": "Too busy for a moment"},
    "refused_failure_title": {"nl": "Dit lukt nu niet", "en": "This is not possible now"},
    "detail_period": {"nl": "Kwartaal", "en": "Quarter"},
    "detail_locked_at": {"nl": "Vergrendeld op", "en": "Locked at"},
    "detail_locked_by": {"nl": "Vergrendeld door", "en": "Locked by"},
    "detail_contact": {"nl": "Vragen aan", "en": "Questions to"},
    "detail_submission_id": {"nl": "Kenmerk", "en": "Reference"},
    "detail_version": {"nl": "Versie", "en": "Version"},
}

OVERVIEW: dict[str, dict[str, str]] = {
    "overview_title": {"nl": "Uw kwartalen", "en": "Your quarters"},
    "overview_intro": {
        "nl": (
            "Per kwartaal levert {name} het aantal incidenten aan, of meldt dat er geen waren. "
            "Kies een kwartaal om aan te leveren, te corrigeren of een ontvangstbewijs te zien."
        ),
        "en": (
            "Each quarter, {name} submits its number of incidents, or reports that there were "
            "none. Choose a quarter to submit, correct or see a receipt."
        ),
    },
    "overview_caption": {"nl": "Kwartalen van {name}", "en": "Quarters of {name}"},
    "col_quarter": {"nl": "Kwartaal", "en": "Quarter"},
    "col_deadline": {"nl": "Uiterlijk", "en": "Deadline"},
    "col_status": {"nl": "Stand", "en": "Status"},
    "col_current_version": {"nl": "Huidige versie", "en": "Current version"},
    "col_locked": {"nl": "Vergrendeld", "en": "Locked"},
    "status_nil": {"nl": "Nulmelding gedaan", "en": "Nil return made"},
    "status_reported": {"nl": "Aangeleverd", "en": "Submitted"},
    "status_overdue": {
        "nl": "Niet aangeleverd, termijn verstreken",
        "en": "Not submitted, deadline passed",
    },
    "status_open": {"nl": "Nog niet aangeleverd", "en": "Not submitted yet"},
    "late": {"nl": "Te laat", "en": "Late"},
    "on_time": {"nl": "Op tijd", "en": "On time"},
    "version_n": {"nl": "Versie {n}", "en": "Version {n}"},
    "none": {"nl": "geen", "en": "none"},
    "locked_on": {"nl": "Ja, sinds {date}", "en": "Yes, since {date}"},
    "not_locked": {"nl": "Nee", "en": "No"},
    "templates_heading": {"nl": "Sjablonen en telregels", "en": "Templates and counting rules"},
    "templates_text": {
        "nl": (
            "Vul een sjabloon in met uw aantallen (in Excel met keuzelijsten voor de codes) en "
            "upload het bij het kwartaal. Wat één incident is en hoe u telt, staat in de "
            "telregels."
        ),
        "en": (
            "Fill in a template with your counts (in Excel, with dropdowns for the codes) and "
            "upload it with the quarter. What one incident is and how to count is in the "
            "counting rules."
        ),
    },
    "template_xlsx": {"nl": "Excel-sjabloon (.xlsx)", "en": "Excel template (.xlsx)"},
    "template_csv": {"nl": "CSV-sjabloon (.csv)", "en": "CSV template (.csv)"},
    "counting_rules_title": {"nl": "Telregels", "en": "Counting rules"},
}

QUARTER: dict[str, dict[str, str]] = {
    "quarter_title": {"nl": "Kwartaal {period}", "en": "Quarter {period}"},
    "back_quarter": {"nl": "Terug naar kwartaal {period}", "en": "Back to quarter {period}"},
    "field_period": {"nl": "Periode", "en": "Period"},
    "period_span": {"nl": "{start} tot en met {end}", "en": "{start} to {end}"},
    "field_deadline": {"nl": "Aanleveren uiterlijk", "en": "Submit by"},
    "field_status": {"nl": "Stand", "en": "Status"},
    "field_current_version": {"nl": "Huidige versie", "en": "Current version"},
    "version_received": {
        "nl": "Versie {n}, ontvangen op {moment}",
        "en": "Version {n}, received on {moment}",
    },
    "show_receipt_of": {
        "nl": "Ontvangstbewijs van versie {n}",
        "en": "Receipt of version {n}",
    },
    "locked_title": {"nl": "Dit kwartaal is vergrendeld", "en": "This quarter is locked"},
    "locked_text": {
        "nl": (
            "Kwartaal {period} is vergrendeld op {moment}. Aanleveren en corrigeren kan niet "
            "meer; de cijfers van dit kwartaal zijn definitief."
        ),
        "en": (
            "Quarter {period} was locked on {moment}. Submitting and correcting are no longer "
            "possible; this quarter's figures are final."
        ),
    },
    "locked_contact": {
        "nl": "Klopt er iets niet? Neem contact op met {contact}.",
        "en": "Is something wrong? Contact {contact}.",
    },
    "problems_heading": {"nl": "Problemen in {name}", "en": "Problems in {name}"},
    "problems_what_now": {
        "nl": (
            "Verbeter elk probleem hieronder in uw bestand en upload het opnieuw. Er wordt pas "
            "iets opgeslagen als het hele bestand in orde is."
        ),
        "en": (
            "Correct each problem below in your file and upload it again. Nothing is stored "
            "until the whole file is correct."
        ),
    },
    "problems_caption": {
        "nl": "{n} problemen in {name}: rij, kolom, waarde en wat u moet doen",
        "en": "{n} problems in {name}: row, column, value and what to do",
    },
    "problems_caption_one": {
        "nl": "1 probleem in {name}: rij, kolom, waarde en wat u moet doen",
        "en": "1 problem in {name}: row, column, value and what to do",
    },
    "col_row": {"nl": "Rij", "en": "Row"},
    "n_rows": {"nl": "({n} rijen)", "en": "({n} rows)"},
    "problems_more": {
        "nl": (
            "Hierboven staan de eerste {shown} verschillende problemen; er zijn er nog {n}. "
            "Verbeter deze eerst en controleer het bestand opnieuw."
        ),
        "en": (
            "Above are the first {shown} different problems; there are {n} more. Correct "
            "these first and check the file again."
        ),
    },
    "col_column": {"nl": "Kolom", "en": "Column"},
    "col_value": {"nl": "Waarde", "en": "Value"},
    "col_what_to_do": {"nl": "Wat u moet doen", "en": "What to do"},
    "whole_file": {"nl": "heel bestand", "en": "whole file"},
    "empty_value": {"nl": "(leeg)", "en": "(empty)"},
    "upload_heading": {"nl": "Aantallen aanleveren", "en": "Submit your counts"},
    "upload_heading_correction": {
        "nl": "Een correctie aanleveren",
        "en": "Submit a correction",
    },
    "upload_intro": {
        "nl": (
            "Kies uw ingevulde sjabloon. lekstat controleert eerst het hele bestand en toont "
            "alle problemen tegelijk; er wordt nog niets opgeslagen. Een correctie wordt een "
            "nieuwe versie; eerdere versies blijven bewaard."
        ),
        "en": (
            "Choose your filled-in template. lekstat first checks the whole file and shows "
            "every problem at once; nothing is stored yet. A correction becomes a new version; "
            "earlier versions are kept."
        ),
    },
    "file_label": {"nl": "Bestand met aantallen", "en": "File with counts"},
    "file_hint": {
        "nl": "Excel (.xlsx) of CSV (.csv), zoals het sjabloon. Maximaal 5 MB.",
        "en": "Excel (.xlsx) or CSV (.csv), like the template. At most 5 MB.",
    },
    "drop_here": {
        "nl": "of sleep het bestand hierheen",
        "en": "or drag the file here",
    },
    "check_button": {"nl": "Bestand controleren", "en": "Check file"},
    "file_missing": {
        "nl": "Kies een bestand om te controleren",
        "en": "Choose a file to check",
    },
    "file_empty": {
        "nl": "{name} is leeg; kies het ingevulde bestand",
        "en": "{name} is empty; choose the filled-in file",
    },
    "file_has_problems": {
        "nl": "{name} heeft {n} problemen; er is niets opgeslagen. Zie de tabel hieronder",
        "en": "{name} has {n} problems; nothing was stored. See the table below",
    },
    "file_has_one_problem": {
        "nl": "{name} heeft 1 probleem; er is niets opgeslagen. Zie de tabel hieronder",
        "en": "{name} has 1 problem; nothing was stored. See the table below",
    },
    "nil_heading": {"nl": "Geen incidenten dit kwartaal?", "en": "No incidents this quarter?"},
    "nil_intro": {
        "nl": (
            "Meld dat dan uitdrukkelijk met een nulmelding, zodat niemand 'niets gebeurd' "
            "verwart met 'niet aangeleverd'."
        ),
        "en": (
            "Then report it explicitly with a nil return, so that nobody confuses 'nothing "
            "happened' with 'not submitted'."
        ),
    },
    "nil_start": {"nl": "Nulmelding doen", "en": "Make a nil return"},
    "versions_heading": {"nl": "Versies", "en": "Versions"},
    "versions_caption": {
        "nl": "Alle versies van kwartaal {period}, nieuwste eerst",
        "en": "Every version of quarter {period}, newest first",
    },
    "col_version": {"nl": "Versie", "en": "Version"},
    "col_received": {"nl": "Ontvangen", "en": "Received"},
    "col_kind": {"nl": "Soort", "en": "Kind"},
    "col_rows": {"nl": "Combinaties", "en": "Combinations"},
    "col_total": {"nl": "Incidenten", "en": "Incidents"},
    "col_on_time": {"nl": "Op tijd", "en": "On time"},
    "current": {"nl": "huidig", "en": "current"},
    "kind_nil": {"nl": "Nulmelding", "en": "Nil return"},
    "kind_counts": {"nl": "Aantallen", "en": "Counts"},
    "no_versions": {
        "nl": "Er is voor dit kwartaal nog niets aangeleverd.",
        "en": "Nothing has been submitted for this quarter yet.",
    },
}

SUBMITTING: dict[str, dict[str, str]] = {
    "checked_title": {"nl": "Controle voor {period}", "en": "Check for {period}"},
    "checked_crumb": {"nl": "Controle", "en": "Check"},
    "checked_ok_title": {"nl": "Het bestand is in orde", "en": "The file is correct"},
    "checked_ok": {
        "nl": "In {name} zijn geen problemen gevonden. Er is nog niets opgeslagen.",
        "en": "No problems were found in {name}. Nothing has been stored yet.",
    },
    "checked_unchanged_title": {"nl": "Al aangeleverd", "en": "Already submitted"},
    "checked_unchanged": {
        "nl": (
            "{name} is in orde en heeft precies de inhoud van uw huidige versie {n}. Opnieuw "
            "aanleveren maakt geen nieuwe versie."
        ),
        "en": (
            "{name} is correct and has exactly the content of your current version {n}. "
            "Submitting it again would not make a new version."
        ),
    },
    "field_file": {"nl": "Bestand", "en": "File"},
    "field_quarter": {"nl": "Kwartaal", "en": "Quarter"},
    "field_kind": {"nl": "Soort", "en": "Kind"},
    "field_rows": {"nl": "Combinaties", "en": "Combinations"},
    "field_total": {"nl": "Incidenten in totaal", "en": "Incidents in total"},
    "field_becomes": {"nl": "Wordt", "en": "Becomes"},
    "becomes_version": {"nl": "Versie {n}", "en": "Version {n}"},
    "becomes_correction": {
        "nl": "Versie {n}, in plaats van versie {old} (die blijft bewaard)",
        "en": "Version {n}, replacing version {old} (which is kept)",
    },
    "field_on_time": {"nl": "Op tijd", "en": "On time"},
    "on_time_until": {
        "nl": "Ja (de termijn loopt tot en met {date})",
        "en": "Yes (the deadline is {date})",
    },
    "late_after": {
        "nl": "Nee, te laat: de termijn liep tot en met {date}. Aanleveren kan nog wel.",
        "en": "No, late: the deadline was {date}. You can still submit.",
    },
    "submit_explain": {
        "nl": "Met de knop hieronder levert u precies dit gecontroleerde bestand aan.",
        "en": "The button below submits exactly this checked file.",
    },
    "submit_button": {"nl": "Aanleveren voor {period}", "en": "Submit for {period}"},
    "choose_other_file": {"nl": "Ander bestand kiezen", "en": "Choose another file"},
    "cancel": {"nl": "Annuleren", "en": "Cancel"},
    "nil_title": {"nl": "Nulmelding voor {period}", "en": "Nil return for {period}"},
    "nil_crumb": {"nl": "Nulmelding", "en": "Nil return"},
    "nil_means": {
        "nl": (
            "Met een nulmelding verklaart u dat uw gemeente in {period} geen enkel incident had "
            "dat een fase bereikte. Weet u het zeker?"
        ),
        "en": (
            "With a nil return you state that your municipality had no incident at all that "
            "reached a stage in {period}. Are you sure?"
        ),
    },
    "nil_replaces_title": {"nl": "Dit vervangt uw aantallen", "en": "This replaces your counts"},
    "nil_replaces": {
        "nl": (
            "U heeft voor dit kwartaal al aantallen aangeleverd (versie {n}, {total} "
            "incidenten). De nulmelding wordt een nieuwe versie en vervangt die aantallen; "
            "versie {n} blijft bewaard."
        ),
        "en": (
            "You have already submitted counts for this quarter (version {n}, {total} "
            "incidents). The nil return becomes a new version and replaces those counts; "
            "version {n} is kept."
        ),
    },
    "nil_late": {
        "nl": "De termijn liep tot en met {date}: de nulmelding wordt als te laat geregistreerd.",
        "en": "The deadline was {date}: the nil return is recorded as late.",
    },
    "nil_already_title": {"nl": "Al gemeld", "en": "Already reported"},
    "nil_already": {
        "nl": "Voor {period} is al een nulmelding gedaan (versie {n}). Er hoeft niets meer.",
        "en": "A nil return has already been made for {period} (version {n}). Nothing more "
        "is needed.",
    },
    "nil_confirm_button": {
        "nl": "Ja, meld geen incidenten voor {period}",
        "en": "Yes, report no incidents for {period}",
    },
}

RECEIPT: dict[str, dict[str, str]] = {
    "receipt_title": {
        "nl": "Ontvangstbewijs {period}, versie {n}",
        "en": "Receipt {period}, version {n}",
    },
    "receipt_crumb": {"nl": "Ontvangstbewijs versie {n}", "en": "Receipt version {n}"},
    "receipt_stored_title": {"nl": "Aangeleverd", "en": "Submitted"},
    "receipt_stored": {
        "nl": (
            "Uw aanlevering voor {period} is opgeslagen als versie {n}. Bewaar of print dit bewijs."
        ),
        "en": (
            "Your submission for {period} is stored as version {n}. Keep or print this receipt."
        ),
    },
    "receipt_unchanged_title": {"nl": "Al aangeleverd", "en": "Already submitted"},
    "receipt_unchanged": {
        "nl": (
            "Deze inhoud was al aangeleverd; er is geen nieuwe versie gemaakt. Dit is het "
            "ontvangstbewijs van versie {n}."
        ),
        "en": (
            "This content had already been submitted; no new version was made. This is the "
            "receipt of version {n}."
        ),
    },
    "field_municipality": {"nl": "Gemeente", "en": "Municipality"},
    "field_version": {"nl": "Versie", "en": "Version"},
    "field_received": {"nl": "Ontvangen op", "en": "Received on"},
    "field_receipt_id": {"nl": "Kenmerk", "en": "Reference"},
    "field_sha256": {"nl": "Controlegetal (SHA-256)", "en": "Checksum (SHA-256)"},
    "field_taxonomy": {"nl": "Versie van de codes", "en": "Version of the codes"},
    "receipt_rows_caption": {
        "nl": "Aangeleverde aantallen, {period} versie {n}",
        "en": "Submitted counts, {period} version {n}",
    },
    "col_count": {"nl": "Aantal", "en": "Count"},
    "receipt_no_rows": {
        "nl": "Een nulmelding: geen incidenten in dit kwartaal.",
        "en": "A nil return: no incidents in this quarter.",
    },
    "print": {"nl": "Afdrukken", "en": "Print"},
    "counting_rules_intro": {
        "nl": "Zo telt elke gemeente, zodat de landelijke cijfers kloppen.",
        "en": "This is how every municipality counts, so that the national figures add up.",
    },
    "codes_heading": {"nl": "De codes", "en": "The codes"},
    "codes_intro": {
        "nl": (
            "Elke rij van een aanlevering heeft een code per kolom (versie {version} van de "
            "codes). U mag de hele code schrijven, alleen het begin (FT04) of de code met "
            "omschrijving, zoals de keuzelijsten in het Excel-sjabloon."
        ),
        "en": (
            "Every row of a submission has one code per column (version {version} of the "
            "codes). You may write the whole code, only its start (FT04) or the code with its "
            "label, as the dropdowns of the Excel template do."
        ),
    },
    "codes_caption": {"nl": "Codes voor {dimension}", "en": "Codes for {dimension}"},
    "col_code": {"nl": "Code", "en": "Code"},
    "col_label": {"nl": "Naam", "en": "Name"},
    "col_description": {"nl": "Omschrijving", "en": "Description"},
}

PORTAL: dict[str, dict[str, str]] = {
    **MONTHS,
    **ACCOUNT,
    **REFUSED,
    **OVERVIEW,
    **QUARTER,
    **SUBMITTING,
    **RECEIPT,
}
