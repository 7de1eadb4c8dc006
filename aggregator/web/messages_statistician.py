"""The texts of the statistician's pages, in Dutch and English.

Merged into :data:`aggregator.web.messages.MESSAGES`, like the municipality portal's texts.
"""

from __future__ import annotations

_SECTIONS: dict[str, dict[str, str]] = {
    "stat_nav_label": {"nl": "Onderdelen voor de statisticus", "en": "The statistician's sections"},
    "stat_nav_start": {"nl": "Overzicht", "en": "Overview"},
    "stat_nav_completeness": {"nl": "Volledigheid", "en": "Completeness"},
    "stat_nav_budgets": {"nl": "Privacybudget", "en": "Privacy budget"},
    "stat_nav_preview": {"nl": "Voorbeeld en publiceren", "en": "Preview and release"},
    "stat_nav_releases": {"nl": "Publicaties", "en": "Releases"},
    # Words the pages share.
    "n_of_m": {"nl": "{n} van {m}", "en": "{n} of {m}"},
    "yes": {"nl": "Ja", "en": "Yes"},
    "not_set": {"nl": "niet ingesteld", "en": "not set"},
    "rho_eps": {
        "nl": "ρ = {rho} (ε = {epsilon} bij δ = {delta})",
        "en": "ρ = {rho} (ε = {epsilon} at δ = {delta})",
    },
    "rho_only": {"nl": "ρ = {rho}", "en": "ρ = {rho}"},
    "stat_running": {"nl": "loopt nog", "en": "still running"},
    "stat_no_running": {"nl": "Nee, loopt nog", "en": "No, still running"},
    "stat_by": {"nl": "door {by}", "en": "by {by}"},
    "stat_epsilon_at_delta": {
        "nl": "ε volgt uit ρ bij δ = {delta}, met de omrekening van OpenDP.",
        "en": "ε follows from ρ at δ = {delta}, with OpenDP's conversion.",
    },
    "col_year": {"nl": "Jaar", "en": "Year"},
    "col_period": {"nl": "Periode", "en": "Period"},
    "col_expected": {"nl": "Verwacht", "en": "Expected"},
    "stat_col_reported": {"nl": "Aangeleverd", "en": "Reported"},
    "col_not_reported": {"nl": "Niet aangeleverd", "en": "Not reported"},
    "col_late": {"nl": "Te laat", "en": "Late"},
    "col_late_or_overdue": {"nl": "Te laat of verstreken", "en": "Late or overdue"},
    "col_province": {"nl": "Provincie", "en": "Province"},
    "col_municipality": {"nl": "Gemeente", "en": "Municipality"},
    "col_timeliness": {"nl": "Tijdigheid", "en": "Timeliness"},
    "col_ended": {"nl": "Afgelopen", "en": "Ended"},
    "col_release": {"nl": "Publicatie", "en": "Release"},
    "col_releases": {"nl": "Publicaties", "en": "Releases"},
    "stat_col_created": {"nl": "Gemaakt", "en": "Created"},
    "col_rho": {"nl": "ρ", "en": "ρ"},
    "col_epsilon": {"nl": "ε", "en": "ε"},
    "col_links": {"nl": "Bekijken", "en": "View"},
    "col_total_rho": {"nl": "Budget (ρ)", "en": "Budget (ρ)"},
    "col_total_epsilon": {"nl": "Budget (ε)", "en": "Budget (ε)"},
    "col_spent_rho": {"nl": "Uitgegeven (ρ)", "en": "Spent (ρ)"},
    "col_spent_epsilon": {"nl": "Uitgegeven (ε)", "en": "Spent (ε)"},
    "col_remaining_rho": {"nl": "Over (ρ)", "en": "Left (ρ)"},
    "col_cumulative_rho": {"nl": "Jaar daarna (ρ)", "en": "Year after it (ρ)"},
    "col_cumulative_epsilon": {"nl": "Jaar daarna (ε)", "en": "Year after it (ε)"},
    "col_when": {"nl": "Wanneer", "en": "When"},
    "col_who": {"nl": "Door", "en": "By"},
    "col_from": {"nl": "Van (ρ)", "en": "From (ρ)"},
    "col_to": {"nl": "Naar (ρ)", "en": "To (ρ)"},
    "col_reason": {"nl": "Reden", "en": "Reason"},
    "col_table": {"nl": "Tabel", "en": "Table"},
    "col_cells": {"nl": "Cellen", "en": "Cells"},
    "col_rho_share": {"nl": "Deel van ρ", "en": "Share of ρ"},
    "stat_col_std_error": {"nl": "Verwachte standaardfout", "en": "Expected standard error"},
    "col_margin": {"nl": "95%-marge", "en": "95% margin"},
    "col_smallest_reliable": {"nl": "Betrouwbaar vanaf", "en": "Reliable from"},
    "stat_col_sensitivity": {"nl": "L2-gevoeligheid", "en": "L2 sensitivity"},
    "col_noise_scale": {"nl": "Ruisschaal", "en": "Noise scale"},
}

_START: dict[str, dict[str, str]] = {
    "stat_start_title": {"nl": "Het jaar van de statisticus", "en": "The statistician's year"},
    "stat_start_intro": {
        "nl": (
            "U volgt hier wie heeft aangeleverd, vergrendelt kwartalen na de termijn, bekijkt "
            "het privacybudget en maakt publicaties."
        ),
        "en": (
            "Here you follow who has reported, lock quarters after the deadline, look at the "
            "privacy budget and make releases."
        ),
    },
    "stat_quarters_heading": {"nl": "Kwartalen", "en": "Quarters"},
    "stat_quarters_caption": {
        "nl": "Aanleveringen en vergrendeling per kwartaal, het nieuwste eerst",
        "en": "Reporting and locks per quarter, newest first",
    },
    "stat_lock_link": {"nl": "{period} vergrendelen", "en": "Lock {period}"},
    "stat_budgets_heading": {"nl": "Privacybudget per jaar", "en": "Privacy budget per year"},
    "stat_budgets_caption": {
        "nl": "Het privacybudget van elk jaar, het nieuwste eerst",
        "en": "Each year's privacy budget, newest first",
    },
    "stat_no_budgets": {
        "nl": "Er is nog voor geen enkel jaar een privacybudget ingesteld.",
        "en": "No year has a privacy budget yet.",
    },
}

_COMPLETENESS: dict[str, dict[str, str]] = {
    "stat_completeness_title": {"nl": "Volledigheid {period}", "en": "Completeness {period}"},
    "field_province": {"nl": "Provincie", "en": "Province"},
    "field_show": {"nl": "Tonen", "en": "Show"},
    "field_lock": {"nl": "Vergrendeld", "en": "Locked"},
    "stat_field_reported": {"nl": "Aangeleverd", "en": "Reported"},
    "field_not_reported": {"nl": "Niet aangeleverd", "en": "Not reported"},
    "field_late": {
        "nl": "Te laat of termijn verstreken",
        "en": "Late, or deadline passed without a report",
    },
    "stat_all_provinces": {"nl": "Alle provincies", "en": "Every province"},
    "stat_show_all": {"nl": "Alle gemeenten", "en": "Every municipality"},
    "stat_show_not_reported": {"nl": "Niet aangeleverd", "en": "Not reported"},
    "stat_show_late": {"nl": "Te laat of termijn verstreken", "en": "Late or overdue"},
    "stat_show_reported": {"nl": "Aangeleverd", "en": "Reported"},
    "stat_filter_button": {"nl": "Tonen", "en": "Show"},
    "province_unknown": {
        "nl": "Kies een provincie uit de lijst",
        "en": "Choose a province from the list",
    },
    "show_unknown": {
        "nl": "Kies wat u wilt zien uit de lijst",
        "en": "Choose what to show from the list",
    },
    "stat_deadline_passed": {"nl": "verstreken", "en": "passed"},
    "stat_deadline_running": {"nl": "loopt nog", "en": "not yet passed"},
    "stat_locked_by": {"nl": "Ja, sinds {moment}, door {by}", "en": "Yes, since {moment}, by {by}"},
    "stat_locked_now_title": {"nl": "Kwartaal vergrendeld", "en": "Quarter locked"},
    "stat_locked_now": {
        "nl": "{period} is vergrendeld ({moment}). Gemeenten kunnen niets meer aanleveren of "
        "corrigeren.",
        "en": "{period} is locked ({moment}). Municipalities can no longer submit or correct.",
    },
    "stat_completeness_privacy": {
        "nl": (
            "U ziet per gemeente alleen of zij aanleverde en of dat op tijd was; niet of zij "
            "incidenten had, hoe vaak zij corrigeerde of wanneer. Dat ziet alleen de gemeente "
            "zelf."
        ),
        "en": (
            "Per municipality you see only whether it reported and whether that was on time; "
            "not whether it had incidents, how often it corrected or when. Only the "
            "municipality itself sees that."
        ),
    },
    "stat_by_province_heading": {"nl": "Per provincie", "en": "By province"},
    "stat_by_province_caption": {
        "nl": "Aanleveringen voor {period} per provincie",
        "en": "Reporting for {period} by province",
    },
    "stat_municipalities_heading_all": {"nl": "Gemeenten ({n})", "en": "Municipalities ({n})"},
    "stat_municipalities_heading_not_reported": {
        "nl": "Niet aangeleverd ({n})",
        "en": "Not reported ({n})",
    },
    "stat_municipalities_heading_late": {
        "nl": "Te laat of termijn verstreken ({n})",
        "en": "Late or overdue ({n})",
    },
    "stat_municipalities_heading_reported": {
        "nl": "Aangeleverd ({n})",
        "en": "Reported ({n})",
    },
    "stat_municipalities_caption_one": {
        "nl": "{province}: 1 gemeente, {period}",
        "en": "{province}: 1 municipality, {period}",
    },
    "stat_municipalities_caption": {
        "nl": "{province}: {n} gemeenten, {period}",
        "en": "{province}: {n} municipalities, {period}",
    },
    "stat_none_shown": {
        "nl": "Geen gemeente past bij deze keuze.",
        "en": "No municipality matches this choice.",
    },
    "stat_reported": {"nl": "Aangeleverd", "en": "Reported"},
    "stat_not_reported": {"nl": "Niet aangeleverd", "en": "Not reported"},
    "timely_on_time": {"nl": "Op tijd", "en": "On time"},
    "timely_late": {"nl": "Te laat", "en": "Late"},
    "timely_overdue": {"nl": "Termijn verstreken", "en": "Deadline passed"},
    "timely_running": {"nl": "Termijn loopt nog", "en": "Deadline not yet passed"},
    "stat_own_line": {
        "nl": "{name}: {status}, {timely}.",
        "en": "{name}: {status}, {timely}.",
    },
    "back_completeness": {
        "nl": "Terug naar de volledigheid van {period}",
        "en": "Back to the completeness of {period}",
    },
}

_LOCK: dict[str, dict[str, str]] = {
    "stat_lock_title": {"nl": "Kwartaal {period} vergrendelen", "en": "Lock quarter {period}"},
    "stat_lock_crumb": {"nl": "Vergrendelen", "en": "Lock"},
    "stat_already_locked_title": {"nl": "Al vergrendeld", "en": "Already locked"},
    "stat_locked_by_sentence": {
        "nl": "{period} is vergrendeld op {moment}, door {by}.",
        "en": "{period} was locked at {moment}, by {by}.",
    },
    "stat_not_ended_title": {"nl": "Nog niet te vergrendelen", "en": "Cannot be locked yet"},
    "stat_not_ended": {
        "nl": (
            "{period} loopt nog tot en met {end}. Een vergrendeling is definitief, dus een "
            "kwartaal wordt pas na zijn einde vergrendeld, bij voorkeur na de termijn."
        ),
        "en": (
            "{period} runs until {end}. A lock is final, so a quarter is locked only after it "
            "has ended, preferably after its deadline."
        ),
    },
    "stat_not_started": {
        "nl": "{period} is nog niet begonnen en kan niet worden vergrendeld.",
        "en": "{period} has not started and cannot be locked.",
    },
    "stat_lock_lead": {
        "nl": "Lees wat een vergrendeling doet voordat u {period} vergrendelt.",
        "en": "Read what a lock does before you lock {period}.",
    },
    "stat_lock_what_heading": {"nl": "Wat een vergrendeling doet", "en": "What a lock does"},
    "stat_lock_final": {
        "nl": "Een vergrendeling is definitief: er is geen ontgrendeling, ook niet voor de "
        "beheerder.",
        "en": "A lock is final: there is no unlock, not even for the operator.",
    },
    "stat_lock_no_corrections": {
        "nl": (
            "Gemeenten kunnen voor {period} niets meer aanleveren of corrigeren. Wie het "
            "probeert, krijgt te horen dat het kwartaal vergrendeld is en dat vragen naar "
            "{contact} gaan."
        ),
        "en": (
            "Municipalities can no longer submit or correct anything for {period}. Whoever "
            "tries is told that the quarter is locked and that questions go to {contact}."
        ),
    },
    "stat_lock_releases": {
        "nl": (
            "Een publicatie waarvan elk kwartaal afgelopen en vergrendeld is, is definitief; "
            "zolang een kwartaal open is, is een publicatie voorlopig."
        ),
        "en": (
            "A release whose every quarter has ended and is locked is final; while a quarter "
            "is open, a release is provisional."
        ),
    },
    "stat_lock_deadline_running_title": {
        "nl": "De termijn loopt nog",
        "en": "The deadline has not passed",
    },
    "stat_lock_deadline_running": {
        "nl": (
            "Gemeenten hebben tot en met {date} om op tijd aan te leveren. Vergrendelt u nu, "
            "dan kunnen zij dat niet meer."
        ),
        "en": (
            "Municipalities have until {date} to report on time. If you lock now, they no "
            "longer can."
        ),
    },
    "stat_lock_missing_heading": {
        "nl": "Nog niet aangeleverd: {n} van {m} gemeenten",
        "en": "Not reported yet: {n} of {m} municipalities",
    },
    "stat_lock_missing_text": {
        "nl": (
            "Deze gemeenten leverden niets aan voor {period}. Na de vergrendeling telt een "
            "publicatie hen als nul."
        ),
        "en": (
            "These municipalities sent nothing for {period}. After the lock, a release counts "
            "them as zero."
        ),
    },
    "stat_lock_none_missing": {
        "nl": "Elke gemeente heeft aangeleverd.",
        "en": "Every municipality has reported.",
    },
    "stat_lock_button": {
        "nl": "Ja, vergrendel {period} definitief",
        "en": "Yes, lock {period} for good",
    },
}

_BUDGET: dict[str, dict[str, str]] = {
    "stat_budgets_title": {"nl": "Privacybudget", "en": "Privacy budget"},
    "stat_budgets_intro": {
        "nl": (
            "Elk gegevensjaar heeft één privacybudget ρ. Elke publicatie over dat jaar geeft "
            "er een deel van uit; wat is uitgegeven, komt nooit terug."
        ),
        "en": (
            "Each data year has one privacy budget ρ. Every release about that year spends "
            "part of it; what is spent never comes back."
        ),
    },
    "stat_budget_who_title": {"nl": "Wie het budget instelt", "en": "Who sets the budget"},
    "stat_budget_who": {
        "nl": (
            "U geeft het budget uit, maar kunt het niet instellen of verhogen: dat doet de "
            "beheerder (admin) over de API, of de operator op de server met lekstat-server "
            "budget set JAAR --rho R."
        ),
        "en": (
            "You spend the budget but cannot set or raise it: the admin does, over the API, or "
            "the operator on the server with lekstat-server budget set YEAR --rho R."
        ),
    },
    "stat_budget_ceiling": {
        "nl": "Geen jaar kan meer krijgen dan het plafond van deze installatie: ρ = {rho} "
        "(ε = {epsilon} bij δ = {delta}).",
        "en": "No year can get more than this deployment's ceiling: ρ = {rho} (ε = {epsilon} "
        "at δ = {delta}).",
    },
    "stat_budget_of_year": {"nl": "Het budget van {year}", "en": "The budget of {year}"},
    "stat_budget_title": {"nl": "Privacybudget {year}", "en": "Privacy budget {year}"},
    "stat_no_budget_title": {"nl": "Geen budget voor {year}", "en": "No budget for {year}"},
    "stat_no_budget": {
        "nl": "Er is geen privacybudget voor {year}: zonder budget is er geen publicatie.",
        "en": "There is no privacy budget for {year}: without a budget there is no release.",
    },
    "stat_field_total": {"nl": "Budget", "en": "Budget"},
    "field_spent": {"nl": "Uitgegeven", "en": "Spent"},
    "field_remaining": {"nl": "Over", "en": "Left"},
    "field_ceiling": {"nl": "Plafond", "en": "Ceiling"},
    "field_set": {"nl": "Ingesteld", "en": "Set"},
    "stat_ceiling_value": {
        "nl": "ρ = {rho} per jaar (LEKSTAT_MAX_YEAR_RHO)",
        "en": "ρ = {rho} per year (LEKSTAT_MAX_YEAR_RHO)",
    },
    "stat_set_by": {"nl": "{moment}, door {by}", "en": "{moment}, by {by}"},
    "stat_nothing_spent": {"nl": "nog niets", "en": "nothing yet"},
    "stat_preview_for_year": {
        "nl": "Een publicatie over {year} voorbereiden",
        "en": "Prepare a release about {year}",
    },
    "stat_ledger_heading": {"nl": "Grootboek", "en": "Ledger"},
    "stat_ledger_caption": {
        "nl": "Wat elke publicatie over {year} uitgaf, en het jaar daarna",
        "en": "What each release about {year} spent, and the year after it",
    },
    "stat_no_releases_year": {
        "nl": "Er is nog geen publicatie over {year}.",
        "en": "There is no release about {year} yet.",
    },
    "stat_changes_heading": {"nl": "Wijzigingen van het budget", "en": "Changes of the budget"},
    "stat_changes_caption": {
        "nl": "Elke wijziging van het budget van {year}: wanneer, door wie, van, naar en waarom",
        "en": "Every change of the budget of {year}: when, by whom, from, to and why",
    },
    "stat_no_reason": {"nl": "(geen)", "en": "(none)"},
    "stat_no_changes": {"nl": "Het budget is nooit gewijzigd.", "en": "The budget never changed."},
    "stat_budget_changed_title": {"nl": "Budget gewijzigd", "en": "Budget changed"},
    "stat_budget_changed": {
        "nl": "Het budget van {year} is nu ρ = {rho}. De wijziging staat hieronder.",
        "en": "The budget of {year} is now ρ = {rho}. The change is listed below.",
    },
    "stat_budget_change_heading": {
        "nl": "Het budget van {year} instellen of verhogen",
        "en": "Set or raise the budget of {year}",
    },
    "stat_budget_change_intro": {
        "nl": (
            "Zolang er niets is uitgegeven, stelt u het budget vrij in, tot het plafond "
            "ρ = {ceiling}. Daarna kan het lager (niet onder wat is uitgegeven), en hoger "
            "alleen als verhoging met een reden van minstens {n} tekens: die staat in elk "
            "later certificaat."
        ),
        "en": (
            "While nothing is spent, you set the budget freely, up to the ceiling "
            "ρ = {ceiling}. After that it can go lower (not below what was spent), and higher "
            "only as a raise with a reason of at least {n} characters: it appears in every "
            "later certificate."
        ),
    },
    "stat_field_new_total": {"nl": "Nieuw budget ρ", "en": "New budget ρ"},
    "stat_new_total_hint": {
        "nl": "Een getal, bijvoorbeeld 1 of 0,8.",
        "en": "A number, for example 1 or 0.8.",
    },
    "stat_field_reason": {"nl": "Reden van de verhoging", "en": "Reason for the raise"},
    "stat_reason_hint": {
        "nl": "Alleen voor een verhoging nadat er is uitgegeven; minstens {n} tekens.",
        "en": "Only for a raise after something was spent; at least {n} characters.",
    },
    "stat_budget_change_button": {
        "nl": "Budget van {year} opslaan",
        "en": "Save the budget of {year}",
    },
}

_PREVIEW: dict[str, dict[str, str]] = {
    "stat_preview_title": {"nl": "Voorbeeld van een publicatie", "en": "Preview of a release"},
    "stat_preview_intro": {
        "nl": (
            "Kies het jaar, eventueel één kwartaal, en ρ. U ziet per tabel de verwachte "
            "foutmarge en vanaf welk aantal een cijfer betrouwbaar is. Een voorbeeld leest "
            "geen gegevens en geeft niets uit."
        ),
        "en": (
            "Choose the year, one quarter if you like, and ρ. You see per table the expected "
            "margin of error and from which count a figure is reliable. A preview reads no "
            "data and spends nothing."
        ),
    },
    "field_year": {"nl": "Gegevensjaar", "en": "Data year"},
    "field_release_period": {"nl": "Periode", "en": "Period"},
    "stat_whole_year": {"nl": "Het hele jaar", "en": "The whole year"},
    "stat_quarter_n": {"nl": "Alleen kwartaal {n}", "en": "Quarter {n} only"},
    "stat_field_rho": {"nl": "ρ (rho)", "en": "ρ (rho)"},
    "stat_rho_hint": {
        "nl": "Een getal, bijvoorbeeld 0,5. Hoe groter ρ, hoe kleiner de marge en hoe meer "
        "budget het kost.",
        "en": "A number, for example 0.5. The larger ρ, the smaller the margin and the more "
        "budget it costs.",
    },
    "stat_preview_button": {"nl": "Voorbeeld tonen", "en": "Show preview"},
    "year_missing": {"nl": "Kies het gegevensjaar", "en": "Choose the data year"},
    "quarter_unknown": {
        "nl": "Kies het hele jaar of een kwartaal uit de lijst",
        "en": "Choose the whole year or a quarter from the list",
    },
    "rho_empty": {"nl": "Vul ρ in, bijvoorbeeld 0,5", "en": "Enter ρ, for example 0.5"},
    "rho_not_a_number": {
        "nl": "ρ is een getal, bijvoorbeeld 0,5; '{value}' is dat niet",
        "en": "ρ is a number, for example 0.5; '{value}' is not",
    },
    "stat_preview_result_heading": {
        "nl": "{label} bij ρ = {rho}",
        "en": "{label} at ρ = {rho}",
    },
    "stat_preview_nothing_spent_title": {"nl": "Niets uitgegeven", "en": "Nothing spent"},
    "stat_preview_nothing_spent": {
        "nl": "Dit voorbeeld las geen gegevens en gaf niets van het budget uit.",
        "en": "This preview read no data and spent nothing of the budget.",
    },
    "stat_field_budget_of": {"nl": "Budget van {year}", "en": "Budget of {year}"},
    "stat_budget_left": {
        "nl": "ρ = {total}, daarvan nog {left} over",
        "en": "ρ = {total}, of which {left} is left",
    },
    "stat_no_budget_short": {
        "nl": "niet ingesteld: er kan nog geen publicatie komen",
        "en": "not set: no release is possible yet",
    },
    "stat_preview_caption": {
        "nl": "De {n} tabellen van {label} bij ρ = {rho}: verwachte nauwkeurigheid",
        "en": "The {n} tables of {label} at ρ = {rho}: expected accuracy",
    },
    "stat_preview_reading": {
        "nl": (
            "95%-marge: het gepubliceerde cijfer ligt in 95 van de 100 gevallen zo dicht bij "
            "de werkelijkheid. Betrouwbaar vanaf: het kleinste aantal dat in elke cel van de "
            "tabel niet als onbetrouwbaar wordt gemarkeerd."
        ),
        "en": (
            "95% margin: in 95 of 100 cases the published figure is this close to the truth. "
            "Reliable from: the smallest count that no cell of the table marks as unreliable."
        ),
    },
    "stat_make_release": {"nl": "Publicatie {label} maken…", "en": "Make release {label}…"},
    "back_preview": {"nl": "Terug naar het voorbeeld", "en": "Back to the preview"},
}

_CREATE: dict[str, dict[str, str]] = {
    "stat_confirm_title": {"nl": "Publicatie {label} maken", "en": "Make release {label}"},
    "stat_confirm_crumb": {"nl": "Bevestigen", "en": "Confirm"},
    "stat_confirm_impossible_title": {
        "nl": "Deze publicatie kan niet",
        "en": "This release is not possible",
    },
    "stat_confirm_lead": {
        "nl": (
            "Controleer wat deze publicatie uitgeeft. Een publicatie is definitief: ρ = {rho} "
            "van het budget van {year} komt nooit terug."
        ),
        "en": (
            "Check what this release spends. A release is final: ρ = {rho} of the budget of "
            "{year} never comes back."
        ),
    },
    "stat_confirm_spends_heading": {"nl": "Wat deze publicatie uitgeeft", "en": "What it spends"},
    "stat_field_this_release": {"nl": "Deze publicatie", "en": "This release"},
    "stat_budget_total_spent": {
        "nl": "ρ = {total}, waarvan al {spent} uitgegeven",
        "en": "ρ = {total}, of which {spent} already spent",
    },
    "stat_field_left_after": {"nl": "Over na deze publicatie", "en": "Left after this release"},
    "stat_field_year_after": {
        "nl": "Het jaar {year} na deze publicatie",
        "en": "The year {year} after this release",
    },
    "stat_field_kind": {"nl": "Soort publicatie", "en": "Kind of release"},
    "stat_provisional_text": {
        "nl": "Voorlopig: niet elk kwartaal is afgelopen en vergrendeld.",
        "en": "Provisional: not every quarter has ended and been locked.",
    },
    "stat_final_text": {
        "nl": "Definitief: elk kwartaal is afgelopen en vergrendeld.",
        "en": "Final: every quarter has ended and been locked.",
    },
    "stat_public_text": {"nl": "Iedereen kan haar lezen.", "en": "Everyone can read it."},
    "stat_not_public_text": {
        "nl": "Alleen analisten en de statisticus kunnen haar lezen.",
        "en": "Only analysts and the statistician can read it.",
    },
    "stat_coverage_heading": {"nl": "Wie aanleverde", "en": "Who reported"},
    "stat_coverage_caption": {
        "nl": "Aanleveringen per kwartaal van {label}, zoals de publicatie ze vastlegt",
        "en": "Reporting per quarter of {label}, as the release records it",
    },
    "stat_coverage_ok": {
        "nl": "Genoeg gemeenten leverden aan voor een landelijk cijfer.",
        "en": "Enough municipalities reported for a national figure.",
    },
    "stat_threshold": {
        "nl": "De drempel: minstens {share}% van de gemeenten per afgelopen kwartaal "
        "(LEKSTAT_MIN_COVERAGE).",
        "en": "The threshold: at least {share}% of the municipalities in every quarter that "
        "has ended (LEKSTAT_MIN_COVERAGE).",
    },
    "stat_force_needed_title": {
        "nl": "Alleen geforceerd te publiceren",
        "en": "Only a forced release is possible",
    },
    "stat_force_label": {
        "nl": "Toch publiceren, geforceerd onder de drempel",
        "en": "Release anyway, forced below the threshold",
    },
    "stat_force_hint": {
        "nl": (
            "De publicatie, haar certificaat en het rapport vermelden dan dat te weinig "
            "gemeenten aanleverden. Een gemeente die niet aanleverde telt als nul, dus de "
            "landelijke cijfers zijn te laag."
        ),
        "en": (
            "The release, its certificate and the report then say that too few municipalities "
            "reported. A municipality that did not report counts as zero, so the national "
            "figures are too low."
        ),
    },
    "stat_create_button": {
        "nl": "Ja, maak {label} en geef ρ = {rho} uit",
        "en": "Yes, make {label} and spend ρ = {rho}",
    },
}

_RELEASES: dict[str, dict[str, str]] = {
    "stat_releases_title": {"nl": "Publicaties", "en": "Releases"},
    "stat_releases_intro": {
        "nl": "Elke publicatie, de nieuwste eerst, met wat zij uitgaf en haar privacycertificaat.",
        "en": "Every release, newest first, with what it spent and its privacy certificate.",
    },
    "stat_releases_caption": {
        "nl": "{n} publicaties, de nieuwste eerst",
        "en": "{n} releases, newest first",
    },
    "stat_no_releases": {"nl": "Er is nog geen publicatie.", "en": "There is no release yet."},
    "stat_provisional": {"nl": "Voorlopig", "en": "Provisional"},
    "stat_final": {"nl": "Definitief", "en": "Final"},
    "stat_forced": {"nl": "Geforceerd", "en": "Forced"},
    "stat_certificate_of": {"nl": "Certificaat van {id}", "en": "Certificate of {id}"},
    "stat_public_page_of": {"nl": "Cijferpagina van {id}", "en": "Figures page of {id}"},
    "back_releases": {"nl": "Naar de publicaties", "en": "To the releases"},
    "stat_certificate_title": {
        "nl": "Privacycertificaat van {id}",
        "en": "Privacy certificate of {id}",
    },
    "stat_certificate_intro": {
        "nl": (
            "Dit certificaat is met publicatie {id} gemaakt en verandert nooit. Het zegt "
            "welke garantie de publicatie geeft, en wat die garantie niet dekt."
        ),
        "en": (
            "This certificate was made with release {id} and never changes. It says what "
            "guarantee the release gives, and what that guarantee does not cover."
        ),
    },
    "stat_made_title": {"nl": "Publicatie {id} is gemaakt", "en": "Release {id} was made"},
    "stat_made": {
        "nl": "{id} gaf ρ = {rho} uit van het budget van {year}.",
        "en": "{id} spent ρ = {rho} of the budget of {year}.",
    },
    "stat_made_left": {"nl": "Er is nog ρ = {left} over.", "en": "ρ = {left} is left."},
    "stat_replayed_title": {"nl": "Al gemaakt", "en": "Made already"},
    "stat_replayed": {
        "nl": (
            "Dit formulier had publicatie {id} al gemaakt (bijvoorbeeld na een dubbele klik); "
            "er is niets opnieuw uitgegeven."
        ),
        "en": (
            "This form had already made release {id} (after a double click, for example); "
            "nothing was spent again."
        ),
    },
    "stat_field_coverage": {"nl": "Aanleveringen", "en": "Reporting"},
    "stat_forced_text": {
        "nl": "Geforceerd: te weinig gemeenten leverden aan ({periods}).",
        "en": "Forced: too few municipalities reported ({periods}).",
    },
    "stat_not_forced_text": {
        "nl": "Genoeg: minstens {share}% per afgelopen kwartaal.",
        "en": "Enough: at least {share}% in every quarter that has ended.",
    },
    "stat_cert_guarantee_heading": {"nl": "De garantie", "en": "The guarantee"},
    "stat_cert_unit": {"nl": "Eenheid van privacy", "en": "Privacy unit"},
    "stat_cert_neighbours": {"nl": "Buren", "en": "Neighbours"},
    "stat_cert_mechanism": {"nl": "Mechanisme", "en": "Mechanism"},
    "stat_cert_year_value": {
        "nl": "ρ = {rho} van {total} (ε = {epsilon} bij δ = {delta})",
        "en": "ρ = {rho} of {total} (ε = {epsilon} at δ = {delta})",
    },
    "stat_cert_releases_heading": {
        "nl": "De publicaties van {year} tot en met deze",
        "en": "The releases of {year} up to this one",
    },
    "stat_cert_releases_caption": {
        "nl": "Publicaties over {year}, tot en met {id}",
        "en": "Releases about {year}, up to {id}",
    },
    "stat_this_release": {"nl": "deze publicatie", "en": "this release"},
    "stat_cert_changes_caption": {
        "nl": "Wijzigingen van het budget van {year} vóór deze publicatie",
        "en": "Changes of the budget of {year} before this release",
    },
    "stat_cert_tables_heading": {"nl": "Per tabel", "en": "Per table"},
    "stat_cert_tables_caption": {
        "nl": "De {n} tabellen: gevoeligheid, ρ en ruisschaal",
        "en": "The {n} tables: sensitivity, ρ and noise scale",
    },
    "stat_cert_not_covered_heading": {
        "nl": "Wat de garantie niet dekt",
        "en": "What the guarantee does not cover",
    },
    "stat_cert_code_heading": {"nl": "Code en journaal", "en": "Code and journal"},
    "stat_cert_journal": {"nl": "Volgt journaalregel", "en": "Follows journal line"},
}

#: Every text of the statistician's pages.
STATISTICIAN: dict[str, dict[str, str]] = {
    **_SECTIONS,
    **_START,
    **_COMPLETENESS,
    **_LOCK,
    **_BUDGET,
    **_PREVIEW,
    **_CREATE,
    **_RELEASES,
}
