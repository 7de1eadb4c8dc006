"""Every text of the web pages, in Dutch and English, in one place.

A key maps to its text in both languages; ``{name}`` placeholders are filled by
:func:`aggregator.web.i18n.translator`. A test checks that every key has both languages with the
same placeholders, and that every key a template asks for exists.
"""

from __future__ import annotations

from aggregator.web.messages_portal import PORTAL
from aggregator.web.messages_public import PUBLIC
from aggregator.web.messages_statistician import STATISTICIAN

_PAGES: dict[str, dict[str, str]] = {
    # The frame of every page.
    "service_name": {"nl": "lekstat", "en": "lekstat"},
    "service_tagline": {
        "nl": "Landelijke statistiek van datalekken door gemeenteambtenaren",
        "en": "National statistics of data leaks by municipal civil servants",
    },
    "ministry": {
        "nl": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        "en": "Ministry of the Interior and Kingdom Relations",
    },
    "skip_link": {"nl": "Direct naar de inhoud", "en": "Skip to main content"},
    "home_link_label": {"nl": "lekstat, naar de startpagina", "en": "lekstat, to the home page"},
    "language_switch_label": {"nl": "Taal", "en": "Language"},
    "language_nl": {"nl": "Nederlands", "en": "Nederlands"},
    "language_en": {"nl": "English", "en": "English"},
    "breadcrumb_label": {"nl": "Kruimelpad", "en": "Breadcrumb"},
    "breadcrumb_home": {"nl": "Home", "en": "Home"},
    "footer_label": {"nl": "Over deze site", "en": "About this site"},
    "footer_heading": {"nl": "Over lekstat", "en": "About lekstat"},
    "footer_text": {
        "nl": "lekstat publiceert alleen landelijke cijfers, beschermd met differentiële privacy.",
        "en": "lekstat publishes only national figures, protected with differential privacy.",
    },
    "footer_accessibility": {"nl": "Toegankelijkheid", "en": "Accessibility"},
    "footer_api_docs": {"nl": "API-documentatie", "en": "API documentation"},
    "page_title_suffix": {"nl": "lekstat", "en": "lekstat"},
    "errors_in_title": {"nl": "Fout: {title}", "en": "Error: {title}"},
    # Components.
    "error_summary_heading": {
        "nl": "Er is een probleem met uw invoer",
        "en": "There is a problem with what you entered",
    },
    "error_prefix": {"nl": "Fout:", "en": "Error:"},
    "alert_info": {"nl": "Informatie", "en": "Information"},
    "alert_warning": {"nl": "Waarschuwing", "en": "Warning"},
    "alert_error": {"nl": "Fout", "en": "Error"},
    "alert_success": {"nl": "Gelukt", "en": "Success"},
    # The home page.
    "home_title": {
        "nl": "Landelijke cijfers over lekken van persoonsgegevens",
        "en": "National figures on leaks of personal data",
    },
    "home_intro": {
        "nl": (
            "Criminelen kopen of dwingen gemeenteambtenaren om persoonsgegevens te lekken, en "
            "sommige ambtenaren raadplegen zulke gegevens zonder reden. lekstat verzamelt hoe "
            "vaak dat gebeurt en vanuit welke functie."
        ),
        "en": (
            "Criminals bribe or pressure municipal civil servants into leaking personal data, "
            "and some officials consult such data without reason. lekstat collects how often "
            "this happens and from which function."
        ),
    },
    "home_how": {
        "nl": (
            "Elke gemeente levert ieder kwartaal haar aantallen aan. lekstat publiceert daaruit "
            "alleen landelijke cijfers, met differentiële privacy en een foutmarge, zodat geen "
            "cijfer naar één persoon kan wijzen."
        ),
        "en": (
            "Every municipality submits its counts each quarter. From these, lekstat publishes "
            "only national figures, with differential privacy and a margin of error, so that "
            "no figure can point to one person."
        ),
    },
    "home_tasks_heading": {"nl": "Wat wilt u doen?", "en": "What would you like to do?"},
    "home_sign_in": {"nl": "Aanmelden", "en": "Sign in"},
    "home_sign_in_text": {
        "nl": "Voor gemeenten, analisten en de statisticus, met het token van uw beheerder.",
        "en": "For municipalities, analysts and the statistician, with your operator's token.",
    },
    "home_figures": {"nl": "Publieke cijfers", "en": "Public figures"},
    "home_figures_text": {
        "nl": "De definitieve landelijke cijfers, voor iedereen.",
        "en": "The final national figures, for everyone.",
    },
    "home_methodology": {"nl": "Methodologie", "en": "Methodology"},
    "home_methodology_text": {
        "nl": "Hoe lekstat telt, de privacybescherming en hoe u een foutmarge leest.",
        "en": "How lekstat counts, the privacy protection and how to read a margin of error.",
    },
    "home_api_docs": {"nl": "API-documentatie", "en": "API documentation"},
    "home_api_docs_text": {
        "nl": "Voor wie lekstat koppelt aan eigen systemen.",
        "en": "For those who connect lekstat to their own systems.",
    },
    # Signing in.
    "sign_in_title": {"nl": "Aanmelden", "en": "Sign in"},
    "sign_in_intro": {
        "nl": "Meld u eenmalig aan met het token dat u van de beheerder van lekstat kreeg.",
        "en": "Sign in once with the token you received from the lekstat operator.",
    },
    "token_label": {"nl": "Token", "en": "Token"},
    "token_hint": {
        "nl": "Het token begint met lks_, bijvoorbeeld lks_1a2b3c4d5e6f_…",
        "en": "The token starts with lks_, for example lks_1a2b3c4d5e6f_…",
    },
    "sign_in_button": {"nl": "Aanmelden", "en": "Sign in"},
    "token_empty": {"nl": "Vul uw token in", "en": "Enter your token"},
    "token_malformed": {
        "nl": (
            "Dit is geen token van lekstat: een token begint met lks_, dan 12 tekens, een _ en "
            "43 tekens. Kopieer het opnieuw uit het bestand van de beheerder"
        ),
        "en": (
            "This is not a lekstat token: a token starts with lks_, then 12 characters, an _ "
            "and 43 characters. Copy it again from the operator's file"
        ),
    },
    "form_expired_title": {"nl": "Formulier verlopen", "en": "Form expired"},
    "form_expired": {
        "nl": (
            "Het formulier kon niet worden gecontroleerd. Laad de pagina opnieuw en probeer "
            "het nog een keer."
        ),
        "en": "The form could not be verified. Reload the page and try again.",
    },
    # Errors.
    "not_found_title": {"nl": "Pagina niet gevonden", "en": "Page not found"},
    "not_found_text": {
        "nl": "Deze pagina bestaat niet. Controleer het adres of ga naar de startpagina.",
        "en": "This page does not exist. Check the address or go to the home page.",
    },
    "server_error_title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "server_error_text": {
        "nl": (
            "Er ging iets mis bij lekstat. Er is niets opgeslagen. Probeer het later opnieuw; "
            "blijft het misgaan, meld het dan bij de beheerder."
        ),
        "en": (
            "Something went wrong in lekstat. Nothing was stored. Try again later; if it "
            "keeps happening, tell the operator."
        ),
    },
    "http_error_title": {"nl": "Dit lukte niet", "en": "This did not work"},
    "http_error_text": {
        "nl": "De pagina kon niet worden getoond (status {status}).",
        "en": "The page could not be shown (status {status}).",
    },
    "back_home": {"nl": "Naar de startpagina", "en": "To the home page"},
    # The accessibility statement.
    "a11y_title": {"nl": "Toegankelijkheidsverklaring", "en": "Accessibility statement"},
    "a11y_intro": {
        "nl": (
            "Het Ministerie van Binnenlandse Zaken en Koninkrijksrelaties wil dat iedereen "
            "lekstat kan gebruiken, ook met een beperking. Overheidswebsites moeten voldoen aan "
            "de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau AA, zoals de Europese "
            "norm EN 301 549 die vraagt."
        ),
        "en": (
            "The Ministry of the Interior and Kingdom Relations wants everyone to be able to "
            "use lekstat, including people with a disability. Government websites must meet "
            "the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA, as the European "
            "standard EN 301 549 requires."
        ),
    },
    "a11y_status_heading": {"nl": "Stand van zaken", "en": "Status"},
    "a11y_status": {
        "nl": (
            "lekstat voldoet gedeeltelijk aan deze eisen. Er is nog geen onderzoek door een "
            "onafhankelijke partij gedaan; tot dat is gebeurd, noemen wij de site niet "
            "volledig toegankelijk."
        ),
        "en": (
            "lekstat partially meets these requirements. No independent audit has been done "
            "yet; until it has, we do not call the site fully accessible."
        ),
    },
    "a11y_measures_heading": {"nl": "Wat wij doen", "en": "What we do"},
    "a11y_measure_axe": {
        "nl": (
            "Bij elke wijziging controleert een test elke pagina met axe-core op WCAG 2.1 A en AA."
        ),
        "en": "On every change, a test checks every page with axe-core for WCAG 2.1 A and AA.",
    },
    "a11y_measure_keyboard": {
        "nl": "Alles werkt met alleen het toetsenbord, met een goed zichtbare focus.",
        "en": "Everything works with the keyboard alone, with a clearly visible focus.",
    },
    "a11y_measure_nojs": {
        "nl": "De pagina's werken zonder JavaScript en laden niets van andere websites.",
        "en": "The pages work without JavaScript and load nothing from other websites.",
    },
    "a11y_measure_language": {
        "nl": "Alle teksten zijn er in het Nederlands en het Engels.",
        "en": "Every text is available in Dutch and in English.",
    },
    "a11y_known_heading": {"nl": "Bekende beperkingen", "en": "Known limitations"},
    "a11y_known_docs": {
        "nl": (
            "De API-documentatie (/docs en /redoc) komt uit bestaande software voor "
            "ontwikkelaars en valt buiten deze controle."
        ),
        "en": (
            "The API documentation (/docs and /redoc) comes from existing software for "
            "developers and is outside these checks."
        ),
    },
    "a11y_contact_heading": {"nl": "Contact", "en": "Contact"},
    "a11y_contact": {
        "nl": (
            "Loopt u tegen een probleem aan? Meld het bij de beheerder van lekstat bij uw "
            "organisatie. U krijgt binnen 5 werkdagen antwoord."
        ),
        "en": (
            "Did you run into a problem? Report it to the lekstat operator at your "
            "organisation. You will get an answer within 5 working days."
        ),
    },
    "a11y_facts_heading": {"nl": "Gegevens van deze verklaring", "en": "About this statement"},
    "a11y_fact_standard": {"nl": "Norm", "en": "Standard"},
    "a11y_fact_standard_value": {"nl": "WCAG 2.1 niveau AA", "en": "WCAG 2.1 level AA"},
    "a11y_fact_scope": {"nl": "Geldt voor", "en": "Applies to"},
    "a11y_fact_scope_value": {
        "nl": "De webpagina's van lekstat, behalve de API-documentatie",
        "en": "The web pages of lekstat, except the API documentation",
    },
    "a11y_fact_method": {"nl": "Hoe gecontroleerd", "en": "How checked"},
    "a11y_fact_method_value": {
        "nl": "Automatische tests met axe-core en toetsenbordtests in Chromium",
        "en": "Automated tests with axe-core and keyboard tests in Chromium",
    },
    "a11y_fact_owner": {"nl": "Verantwoordelijk", "en": "Responsible"},
    # The API documentation pages.
    "docs_title": {"nl": "API-documentatie", "en": "API documentation"},
}

#: Every text of the pages: the frame and public pages above; the portal's, the public
#: figures' and the statistician's in their own modules.
MESSAGES: dict[str, dict[str, str]] = {**_PAGES, **PORTAL, **PUBLIC, **STATISTICIAN}
