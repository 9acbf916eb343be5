"""News pages for the benchmark, in the saved-page format, of any number of briefs.

The text is made from a few sentence patterns and a list of places, so that
pages of 10 or 80 briefs are alike brief for brief and every brief differs.
"""

from __future__ import annotations

from pathlib import Path

PLACES = [
    "AMSTERDAM",
    "ROTTERDAM",
    "DEN HAAG",
    "UTRECHT",
    "GRONINGEN",
    "MAASTRICHT",
    "'S-HERTOGENBOSCH",
    "IJMUIDEN",
    "BRUSSEL",
    "BERLIJN",
    "PARIJS",
    "MADRID",
    "ROME",
    "WARSCHAU",
    "LONDEN",
    "NEW YORK",
    "RIO DE JANEIRO",
    "TOKIO",
    "NAIROBI",
    "OSLO",
]
SUBJECTS = [
    "De gemeente",
    "Het kabinet",
    "De politie",
    "Een rechter",
    "De vakbond",
    "Het ministerie",
    "De brandweer",
    "Een onderzoeksbureau",
    "De provincie",
    "Het waterschap",
]
VERBS = ["maakt bekend dat", "meldt dat", "laat weten dat", "bevestigt dat", "waarschuwt dat"]
OBJECTS = [
    "de kosten voor het nieuwe plan met {n} procent stijgen",
    "er {n} extra agenten op straat komen",
    "de bouw van {n} woningen volgend jaar begint",
    "{n} bedrijven een boete krijgen",
    "het aantal klachten met {n} is gedaald",
]
FOLLOW_UPS = [
    "Een woordvoerder noemt het besluit onvermijdelijk.",
    "De oppositie wil opheldering.",
    "Omwonenden reageren verdeeld.",
    "Het plan moet nog door de raad worden goedgekeurd.",
]
LEAD = """Kabinet presenteert plan voor betere bereikbaarheid van dorpen
DEN HAAG (ANP) - Het kabinet trekt de komende jaren extra geld uit voor busverbindingen naar kleine dorpen. Het gaat om ruim 300 miljoen euro, verdeeld over alle provincies.
Volgens de minister zijn veel dorpen de afgelopen tien jaar hun laatste bushalte kwijtgeraakt. Vooral ouderen en scholieren hebben daar last van, blijkt uit onderzoek van het Centraal Planbureau.
De provincies zijn blij met het geld, maar zeggen dat er ook chauffeurs nodig zijn. Het tekort aan buschauffeurs is volgens de branche opgelopen tot ruim 2000."""


def brief(index: int, changed: bool = False) -> str:
    place = PLACES[index % len(PLACES)]
    n = 12 + (index * 37) % 880 + (1 if changed else 0)
    subject = SUBJECTS[index % len(SUBJECTS)]
    verb = VERBS[(index // 3) % len(VERBS)]
    what = OBJECTS[(index // 2) % len(OBJECTS)].format(n=n)
    follow = FOLLOW_UPS[(index // 5) % len(FOLLOW_UPS)]
    return f"{place} (ANP) - {subject} in nummer {index + 1} {verb} {what}. {follow}"


def write_page(path: Path, briefs: int, changed_brief: int | None = None) -> Path:
    """A page with a lead and ``briefs`` briefs; ``changed_brief`` gets another number."""
    lines = [LEAD, "Meer uit Binnenland"]
    for index in range(briefs):
        label = f"{5 + index} minuten geleden" if index else ""
        lines.append(label + brief(index, changed=index == changed_brief))
    lines.append(f"{5 + briefs} minuten geleden")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
