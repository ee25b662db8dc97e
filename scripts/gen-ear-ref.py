#!/usr/bin/env python3
"""Regenerate embargo's US EAR reference data (data/rules/ref/*) and check
the US EAR rule packs (data/rules/us-ear/*.jsonl) against it.

A maintainer tool, not run by CI. Python 3 standard library only.

    scripts/gen-ear-ref.py              # write data/rules/ref/*
    scripts/gen-ear-ref.py --check      # validate ref/* and every pack
    scripts/gen-ear-ref.py --shared DIR --out DIR

Inputs (read, never copied): ../shared/data/ear/
  ccl.json                      Commerce Control List (Supp. No. 1 to Part 774),
                                eCFR XML of 2026-07-23 parsed by
                                seelpeed-debug/export-controls-agent-mcp
  country-chart-2026-07-23.csv  Commerce Country Chart (Supp. No. 1 to Part 738)
  country-chart.json            the same chart (cross-check, embargo pointers,
                                footnotes)
  country-groups-2026-07-23.csv Country Groups (Supp. No. 1 to Part 740)
  country-groups.json           the same groups (cross-check)
  meu-supplement2-part744.json  ECCNs of Supplement No. 2 to Part 744

Outputs, in embargo's own format (docs/rules.md):
  ref/country-groups.json, ref/country-chart.json, ref/eccn.jsonl,
  ref/fr-dates.json (the Federal Register table below, researched by hand
  and recorded in docs/ear-sources.md).

The CCL parse turns each "X applies to ..." row of an ECCN's License
Requirements into a control: a Country Chart column, an explicit
destination scope for prose scopes, or a `refer` when the text sends the
reader elsewhere (the engine then answers cannot_determine naming it).
Anything the parse cannot read is a `refer`, never a guess.
"""

import argparse
import csv
import datetime
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "ear")
DEFAULT_OUT = os.path.join(ROOT, "data", "rules")

AS_OF = "2026-07-23"  # eCFR issue the shared files were parsed from
FR_AS_OF = "2026-11-22"  # date the FR table below was last researched
ECFR_URL = "https://www.ecfr.gov/api/versioner/v1/full/2026-07-23/title-15.xml"

COLUMNS = ["CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1", "RS1",
           "RS2", "FC1", "CC1", "CC2", "CC3", "AT1", "AT2"]
GROUPS = ["A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "B", "D:1", "D:2", "D:3",
          "D:4", "D:5", "E:1", "E:2"]

# Destinations the EAR itself tells the reader to look up under another
# row (Supp. No. 1 to Part 738 and 15 CFR 738.3(b)). Hong Kong has had no
# row since 85 FR 83765 (Dec. 23, 2020) and is governed by China's.
SAME_AS = {
    "HK": "CN",
    "LI": "CH",
    "KY": "GB",
}

# The UN arms-embargoed destinations of 15 CFR 746.1(b)(2) (eCFR text in
# ../shared/data/ear/ecfr-15cfr-parts-745-774.md): CAR, DR Congo, Eritrea,
# Iran, Iraq, Lebanon, Libya, North Korea, Somalia, Sudan.
UN_746_1B = ["CF", "CD", "ER", "IR", "IQ", "LB", "LY", "KP", "SO", "SD"]

# ECCNs created on a known date. Verified: 3A090/4A090 (87 FR 62186,
# effective 2022-10-07); 3B993/3B994 and their D/E ECCNs (89 FR 96790,
# effective 2024-12-02). The Sept. 2024 "IEC" ECCNs carry the date of
# 89 FR 72926 from the research notes, not re-verified (see the note).
CREATED = {
    "3A090": ("2022-10-07", "87 FR 62186", None),
    "4A090": ("2022-10-07", "87 FR 62186", None),
    "3B993": ("2024-12-02", "89 FR 96790", None),
    "3B994": ("2024-12-02", "89 FR 96790", None),
    "3D993": ("2024-12-02", "89 FR 96790", None),
    "3D994": ("2024-12-02", "89 FR 96790", None),
    "3E993": ("2024-12-02", "89 FR 96790", None),
    "3E994": ("2024-12-02", "89 FR 96790", None),
}
IEC_2024 = ["3A901", "3A904", "3B903", "3B904", "3C907", "3C908", "3C909",
            "3D901", "3D907", "3E901", "3E905", "4A906", "4D906", "4E906"]
for _e in IEC_2024:
    CREATED[_e] = ("2024-09-06", "89 FR 72926",
                   "Creation date from the research notes (Sept. 2024 "
                   "worldwide NS/RS rule, 89 FR 72926); not re-verified.")

# Federal Register documents cited by the Entity List, MEU List, UVL and
# DPL entries and by the rule packs. Each was checked with the search tool
# (sources in docs/ear-sources.md). "verified": true means the FR citation,
# publication and effective dates were confirmed from a primary page (FR,
# govinfo, BIS) or an FR-derived index (federalregister.gov metadata
# mirrors, justia); page ranges are marked in remarks when not confirmed.
FR_DOCUMENTS = [
    # (volume, first, last, fr_doc, published, effective, title, verified, remarks)
    (61, 12714, 13041, "96-4173", "1996-03-25", "1996-04-24",
     "Export Administration Regulation; Simplification of Export "
     "Administration Regulations", True,
     "Effective April 24, 1996 except part 752 (govinfo text)."),
    (72, 3722, 3728, None, "2007-01-26", "2007-01-26",
     "North Korea: Imposition of New Foreign Policy Controls (15 CFR 746.4)",
     False, "Cited in the source note of 15 CFR 746.4 as 72 FR 3725; "
     "document boundaries, FR doc number and title not confirmed."),
    (78, 76741, 76748, "2013-30117", "2013-12-19", "2014-01-21",
     "Revisions to the Export Administration Regulations (EAR): Unverified "
     "List (UVL)", True,
     "Pages and publication from govinfo; effective date Jan. 21, 2014 from "
     "a secondary source (CVG Strategy)."),
    (83, 54519, 54521, None, "2018-10-30", "2018-10-30",
     "Addition of an Entity to the Entity List (Fujian Jinhua)", True,
     "BIS Federal Register notices table, 2018 (no delayed effective "
     "date); last page and FR doc number not confirmed."),
    (84, 22961, 22968, "2019-10616", "2019-05-21", "2019-05-16",
     "Addition of Entities to the Entity List (Huawei and 68 affiliates)",
     True, "Dates as stated in 85 FR 51596 ('effective May 16, 2019 "
     "(84 FR 22961, May 21, 2019)'); last page not confirmed."),
    (84, 43487, 43492, None, "2019-08-21", "2019-08-19",
     "Temporary General License: Extension of Validity, Clarifications, "
     "and Additional Huawei Affiliates", True,
     "85 FR 51596 cites 'Effective August 19, 2019 (84 FR 43487, August "
     "21, 2019)' for the 46 further affiliates; page range and title not "
     "confirmed."),
    (84, 43493, 43500, None, "2019-08-21", "2019-08-19",
     "Addition of Certain Entities to the Entity List and Revision of "
     "Entries on the Entity List (46 Huawei affiliates)", False,
     "CSL entries cite 84 FR 43493/43495; treated as published with "
     "84 FR 43487 on 2019-08-21, effective 2019-08-19. Boundaries, title "
     "and FR doc number not confirmed."),
    (84, 56117, 56121, None, "2019-10-21", "2019-10-21",
     "Cuba: Revisions to License Exceptions and Clarification of Cuba De "
     "Minimis Rule", False,
     "Date (Oct. 21, 2019, effective on publication) confirmed by several "
     "law-firm notes; FR page 56117, title and doc number not confirmed."),
    (85, 23459, 23470, "2020-07241", "2020-04-28", "2020-06-29",
     "Expansion of Export, Reexport, and Transfer (in-Country) Controls for "
     "Military End Use or Military End Users in the People's Republic of "
     "China, Russia, or Venezuela", True, None),
    (85, 29849, 29853, "2020-10856", "2020-05-19", "2020-05-15",
     "Export Administration Regulations: Amendments to General Prohibition "
     "Three (Foreign-Produced Direct Product Rule) and the Entity List",
     True, "Last page inferred from the CSL citation 85 FR 29853 (entries "
     "sit on 29852-29853); not confirmed."),
    (85, 36719, 36721, None, "2020-06-18", "2020-06-18",
     "Release of 'Technology' to Certain Entities on the Entity List in the "
     "Context of Standards Organizations", True,
     "BIS Federal Register notices table, 2020; CSL cites 85 FR 36720. Last "
     "page and FR doc number not confirmed."),
    (85, 51335, 51336, "2020-17908", "2020-08-20", "2020-08-17",
     "Clarification of Entity List Requirements for Listed Entities When "
     "Acting as a Party to the Transaction", False,
     "From the research notes (justia 2020-17908); effective date Aug. 17, "
     "2020 from a secondary source (Pillsbury); pages not confirmed."),
    (85, 51596, 51603, "2020-18213", "2020-08-20", "2020-08-17",
     "Addition of Huawei Non-U.S. Affiliates to the Entity List, the Removal "
     "of Temporary General License, and Amendments to General Prohibition "
     "Three (Foreign-Produced Direct Product Rule)", True,
     "First page and date from the FR text (docslib copy); effective "
     "Aug. 17, 2020 (public inspection) per Pillsbury and Paul Hastings. "
     "Last page inferred from the CSL citation 85 FR 51603."),
    (85, 83416, 83432, "2020-28031", "2020-12-22", "2020-12-18",
     "Addition of Entities to the Entity List, Revision of Entry on the "
     "Entity List, and Removal of Entities From the Entity List", True,
     "SMIC entries at 85 FR 83420. Last page from the research notes, not "
     "re-confirmed."),
    (85, 83765, 83792, None, "2020-12-23", "2020-12-23",
     "Removal of Hong Kong as a Separate Destination Under the Export "
     "Administration Regulations", True,
     "Date from Thompson Hine and justia's BIS 2020 index; first page from "
     "CSL citations; last page bounded by 85 FR 83793 (next BIS rule); "
     "FR doc number not confirmed."),
    (85, 83793, 83804, "2020-28052", "2020-12-23", "2020-12-23",
     "Addition of 'Military End User' (MEU) List to the Export "
     "Administration Regulations and Addition of Entities to the MEU List",
     True, "Pages from justia; MEU entries at 85 FR 83799."),
    (86, 4865, 4882, "2021-00977", "2021-01-15", "2021-03-16",
     "Expansion of Certain End-Use and End-User Controls and Controls on "
     "Specific Activities of U.S. Persons", True,
     "First page from the research notes; last page not confirmed."),
    (86, 13173, 13178, "2021-04745", "2021-03-08", "2021-03-08",
     "Burma: Implementation of Sanctions", True, None),
    (86, 18433, 18437, "2021-07357", "2021-04-09", "2021-04-09",
     "Expansion of Certain End-Use and End-User Controls and Controls on "
     "Specific Activities of U.S. Persons; Corrections; and Burma Sanctions",
     True, "Effective date taken as the publication date (interim final "
     "rule of April 9, 2021); not read in the FR DATES line."),
    (86, 70015, 70020, "2021-26633", "2021-12-09", "2021-12-09",
     "Revision of Controls for Cambodia Under the Export Administration "
     "Regulations", True, None),
    (87, 6022, 6048, "2022-02302", "2022-02-03", "2022-02-03",
     "Foreign-Direct Product Rules: Organization, Clarification, and "
     "Correction", False,
     "FR doc number and date from the research notes; CSL cites "
     "87 FR 6026; effective date and last page not confirmed."),
    (87, 12226, 12269, "2022-04300", "2022-03-03", "2022-02-24",
     "Implementation of Sanctions Against Russia Under the Export "
     "Administration Regulations (EAR)", True, "Last page not confirmed."),
    (87, 13048, 13070, "2022-04819", "2022-03-08", "2022-03-02",
     "Imposition of Sanctions Against Belarus Under the Export "
     "Administration Regulations (EAR)", True, "Last page not confirmed."),
    (87, 22130, 22132, "2022-07937", "2022-04-14", "2022-04-08",
     "Expansion of Sanctions Against Russia and Belarus Under the Export "
     "Administration Regulations (EAR)", True, None),
    (87, 21011, 21013, "2022-07643", "2022-04-11", "2022-04-11",
     "Addition of Certain Entities to the Entity List; Correction", False,
     "Publication date and FR doc number confirmed (FR abstract mirror); "
     "CSL cites 87 FR 21012; first/last page and effective date (assumed "
     "the publication date) not confirmed."),
    (87, 55241, 55252, None, "2022-09-09", "2022-09-09",
     "Authorization of Certain 'Items' to Entities on the Entity List in "
     "the Context of Specific Standards Activities", False,
     "Not confirmed: start page, dates and title are from memory; every "
     "Huawei entry cites 87 FR 55250."),
    (87, 57068, 57112, "2022-19910", "2022-09-16", "2022-09-15",
     "Implementation of Additional Sanctions Against Russia and Belarus "
     "Under the Export Administration Regulations (EAR) and Refinements to "
     "Existing Controls", True, "Last page not confirmed."),
    (87, 61971, 61977, "2022-21714", "2022-10-13", "2022-10-07",
     "Revisions to the Unverified List; Clarifications to Activities and "
     "Criteria That May Lead to Additions to the Entity List", True,
     "Last page not confirmed."),
    (87, 62186, 62215, "2022-21658", "2022-10-13", "2022-10-07",
     "Implementation of Additional Export Controls: Certain Advanced "
     "Computing and Semiconductor Manufacturing Items; Supercomputer and "
     "Semiconductor End Use; Entity List Modification", True,
     "Parts effective 2022-10-12 and 2022-10-21 (BIS 2022 table). Last "
     "page not confirmed."),
    (87, 77505, 77512, None, "2022-12-19", "2022-12-16",
     "Additions and Revisions to the Entity List and Conforming Removal "
     "from the Unverified List", True,
     "BIS Federal Register notices table, 2022; last page and FR doc "
     "number not confirmed."),
    (88, 2821, 2829, "2023-00888", "2023-01-18", "2023-01-18",
     "Implementation of Additional Export Controls: Certain Advanced "
     "Computing and Semiconductor Manufacturing Items; Supercomputer and "
     "Semiconductor End Use; Entity List Modification; Updates to the "
     "Controls To Add Macau", True,
     "Pages and publication from justia; effective date taken as the "
     "publication date, not read in the DATES line."),
    (88, 73424, 73457, "2023-23049", "2023-10-25", "2023-11-17",
     "Export Controls on Semiconductor Manufacturing Items", True,
     "Effective Nov. 17, 2023 except amendatory instruction 5 (Jan. 1, "
     "2026). Last page inferred from the next document."),
    (88, 73458, 73517, "2023-23055", "2023-10-25", "2023-11-17",
     "Implementation of Additional Export Controls: Certain Advanced "
     "Computing Items; Supercomputer and Semiconductor End Use; Updates and "
     "Corrections", True, "Last page not confirmed."),
    (89, 18780, 18784, "2024-05696", "2024-03-15", "2024-03-15",
     "Revisions To Export, Reexport, and Transfer (In-Country) Controls for "
     "Nicaragua Under the Export Administration Regulations", True,
     "Pages and publication from govinfo (vLex copy); effective date taken "
     "as the publication date, not read in the DATES line."),
    (89, 96790, 96829, "2024-28270", "2024-12-05", "2024-12-02",
     "Foreign-Produced Direct Product Rule Additions, and Refinements to "
     "Controls for Advanced Computing and Semiconductor Manufacturing Items",
     True, "Dates from the research notes (FR doc 2024-28270); last page "
     "bounded by the concurrent Entity List rule."),
    (89, 96830, 96859, "2024-28267", "2024-12-05", "2024-12-02",
     "Additions and Modifications to the Entity List; Removals From the "
     "Validated End-User (VEU) Program", True,
     "Title and doc number from frtracker (FR XML); 140 entities added, 14 "
     "revised; CSL entries cite 89 FR 96836/96837. Last page not confirmed."),
    (90, 42320, 42330, "2025-16724", "2025-09-02", "2025-09-02",
     "Syria (revision of export controls; License Exception SPP)", True,
     "Date from lexbuild FR copy ('effective September 2, 2025'); 90 FR "
     "42320 is the source note of 15 CFR 740.5; boundaries not confirmed."),
]


def die(msg):
    print("gen-ear-ref: " + msg, file=sys.stderr)
    sys.exit(1)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def dump_line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------
# Country Groups and Country Chart

def read_country_groups(shared):
    groups = {g: set() for g in GROUPS}
    names = {}
    with open(os.path.join(shared, "country-groups-2026-07-23.csv"),
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            iso = row["iso2"].strip()
            names.setdefault(iso, row["ear_name"].strip())
            for g in GROUPS:
                if row.get(g, "").strip() == "X":
                    groups[g].add(iso)
    # Cross-check against the JSON rendering of the same table.
    js = load_json(os.path.join(shared, "country-groups.json"))
    by_name = {}
    with open(os.path.join(shared, "country-groups-2026-07-23.csv"),
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_name[row["ear_name"].strip()] = row["iso2"].strip()
    for g, members in js["groups"].items():
        iso = {by_name.get(m) for m in members}
        if None in iso or iso != groups[g]:
            die("country groups: CSV and JSON disagree on %s" % g)
    return groups, names


def read_country_chart(shared):
    rows = {}
    names = {}
    footn = {}
    pointers = {}
    with open(os.path.join(shared, "country-chart-2026-07-23.csv"),
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            iso = row["iso2"].strip()
            names[iso] = row["ear_name"].strip()
            rows[iso] = [c for c in COLUMNS if row[c].strip() == "X"]
            fn = [int(x) for x in row["footnotes"].split(";") if x.strip()]
            if fn:
                footn[iso] = fn
            if row["embargo_pointer"].strip():
                pointers[iso] = row["embargo_pointer"].strip()
    js = load_json(os.path.join(shared, "country-chart.json"))
    by_name = {v: k for k, v in names.items()}
    for n, v in js["countries"].items():
        iso = by_name.get(n)
        marks = sorted(m.replace(" ", "") for m in v["marks"])
        if iso is None or marks != sorted(rows[iso]):
            die("country chart: CSV and JSON disagree on %s" % n)
    for n, v in js["embargoed"].items():
        iso = by_name.get(n)
        if iso not in pointers or rows[iso]:
            die("country chart: embargoed row %s not as expected" % n)
    notes = js["footnotes"]
    return rows, names, footn, pointers, notes


def gen_country_groups(shared, out):
    groups, _names = read_country_groups(shared)
    doc = {
        "source": {"name": "Generated by scripts/gen-ear-ref.py from "
                           "../shared/data/ear/country-groups-2026-07-23.csv "
                           "(eCFR XML of 2026-07-23, cross-checked with "
                           "country-groups.json)",
                   "url": ECFR_URL + "?part=740"},
        "as_of": AS_OF,
        "citation": "15 CFR Part 740, Supp. No. 1",
        "remarks": " ".join([
            "Macau is not in Country Group D:5; the EAR writes 'Macau or a "
            "destination specified in Country Group D:5', so rules name MO "
            "explicitly.",
            "Hong Kong is not a separate destination since 85 FR 83765 "
            "(Dec. 23, 2020) and takes China's groups (same_as in "
            "country-chart.json).",
            "Per the note to D:5, the State Department's arms-embargo list "
            "(22 CFR 126.1) controls where it differs from this table.",
            "The United Arab Emirates is in A:5 in the eCFR of 2026-07-23 "
            "(STA only for approved entities, 740.2(a)(26)).",
            "Current text only: membership changes over time (Cuba left E:1 "
            "in 2015, Burma left B in 2021, Cambodia and Nicaragua joined "
            "D:5 in 2021 and 2024, ...) are not modelled."]),
        "groups": {g: sorted(groups[g]) for g in GROUPS},
    }
    write_json(os.path.join(out, "ref", "country-groups.json"), doc)
    return groups


def gen_country_chart(shared, out):
    rows, names, footn, pointers, notes = read_country_chart(shared)
    countries = {iso: rows[iso] for iso in sorted(rows)}
    by_fn = {}
    for iso, fns in footn.items():
        for n in fns:
            by_fn.setdefault(n, []).append(iso)
    fn_text = " ".join(
        "Footnote %d (%s): %s" % (n, ", ".join(sorted(by_fn[n])),
                                  notes[str(n)])
        for n in sorted(by_fn))
    doc = {
        "source": {"name": "Generated by scripts/gen-ear-ref.py from "
                           "../shared/data/ear/country-chart-2026-07-23.csv "
                           "(eCFR XML of 2026-07-23, cross-checked with "
                           "country-chart.json)",
                   "url": ECFR_URL + "?part=738"},
        "as_of": AS_OF,
        "citation": "15 CFR Part 738, Supp. No. 1",
        "remarks": " ".join([
            "Cuba, Iran, North Korea and Syria carry no X at all; their rows "
            "(empty lists) point to Part 746 (see_part_746). An empty row "
            "there means 'see Part 746', never 'no licence'.",
            "Hong Kong has no row: BIS removed it as a separate destination "
            "effective 2020-12-23 (85 FR 83765) and it is governed by the "
            "China entry (same_as HK -> CN).",
            "Dependent territories (15 CFR 738.3(b)): a territory without "
            "its own row takes its parent's requirements (the EAR's example: "
            "Cayman Islands -> United Kingdom). BIS publishes no full list; "
            "only the cases the EAR names are in same_as (KY -> GB; "
            "footnote 5: Liechtenstein -> Switzerland). Any other "
            "destination without a row is unknown.",
            "No country carries an AT mark in the current chart.",
            "Current text only (eCFR of 2026-07-23); earlier versions of "
            "the chart are not modelled.",
            fn_text]),
        "columns": COLUMNS,
        "countries": countries,
        "see_part_746": {iso: pointers[iso] for iso in sorted(pointers)},
        "same_as": dict(sorted(SAME_AS.items())),
    }
    write_json(os.path.join(out, "ref", "country-chart.json"), doc)
    return set(rows) | set(SAME_AS)


# ---------------------------------------------------------------------------
# Commerce Control List

PARA_TOKEN = re.compile(r"^\.?([a-z](?:\.[0-9]+(?:\.[a-z](?:\.[0-9]+)?)?)?)$")
RANGE_TOKEN = re.compile(
    r"^\.?([a-z](?:\.[0-9]+)?)\s+(?:to|through)\s+\.?([a-z](?:\.[0-9]+)?)$")


def expand_range(a, b):
    """'k', 'n' -> k l m n; 'a.1', 'a.3' -> a.1 a.2 a.3; 'f.2','f.4'."""
    if "." in a and "." in b:
        la, na = a.split(".", 1)
        lb, nb = b.split(".", 1)
        if la == lb and na.isdigit() and nb.isdigit():
            return ["%s.%d" % (la, i) for i in range(int(na), int(nb) + 1)]
        return None
    if len(a) == 1 and len(b) == 1 and a <= b:
        return [chr(c) for c in range(ord(a), ord(b) + 1)]
    return None


def own_paragraphs(eccn, text):
    """The paragraphs of `eccn` that a control row names, as ['.a.4', ...],
    or None when it names none of its own."""
    found = []
    body = re.sub(r"\s+", " ", text)
    body = re.sub(r"\b%s\. (?=\d)" % re.escape(eccn), eccn + ".", body)
    pieces = re.split(r",|;|\band\b|\bor\b", body)
    in_list = False
    for piece in pieces:
        p = piece.strip().strip(".").strip()
        if not p:
            continue
        p = re.sub(r"^(?:to|items controlled by|commodities controlled by|"
                   r"“software” controlled by)\s+", "", p)
        m = re.search(r"\b%s\.([a-z][0-9a-z.]*)(?:\s+(?:to|through)\s+"
                      r"\.?([a-z](?:\.[0-9]+)?))?" % re.escape(eccn), p)
        if m:
            first = m.group(1).rstrip(".")
            if m.group(2):
                rng = expand_range(first, m.group(2))
                if rng:
                    found.extend(rng)
                else:
                    found.append(first)
            else:
                found.append(first)
            in_list = True
            continue
        if in_list:
            m2 = RANGE_TOKEN.match(p)
            if m2:
                rng = expand_range(m2.group(1), m2.group(2))
                if rng:
                    found.extend(rng)
                    continue
            m1 = PARA_TOKEN.match(p)
            if m1:
                found.append(m1.group(1))
                continue
            in_list = False
    if not found:
        return None
    out = []
    for f in found:
        v = "." + f
        if v not in out:
            out.append(v)
    return out


def scope_for(text):
    """Maps a License Requirements 'Country Chart' cell to (column,
    destinations list, refer). destinations is a list of scope objects
    (the UAE clause needs two)."""
    t = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"^(CB|NP|NS|MT|RS|FC|CC|AT) Column ([123])\.?$", t)
    if m:
        return m.group(1) + m.group(2), None, None
    m = re.match(r"^(CB|NP|NS|MT|RS|FC|CC|AT) Column ([123]),? See", t)
    if m:
        return m.group(1) + m.group(2), None, None
    low = t.lower()
    if low.startswith("worldwide control") or \
            low.startswith("to or within any destination worldwide") or \
            low.startswith("a license is required for all destinations, as "
                           "specified in § 742.13"):
        return None, [{"all": True}], None
    if low.startswith("to or within the united arab emirates or "
                      "destinations specified in country groups d:1, d:4, "
                      "and d:5"):
        return None, [{"countries": ["AE"]},
                      {"groups": ["D:1", "D:4", "D:5"],
                       "except_groups": ["A:5", "A:6"]}], None
    if low.startswith("to or within macau or a destination specified in "
                      "country group d:5"):
        return None, [{"countries": ["MO"], "groups": ["D:5"]}], None
    if re.match(r"^china, russia,? or venezuela", low):
        return None, [{"countries": ["CN", "RU", "VE"]}], None
    if re.match(r"^see § 7(46|64)\.1(\(b\))?( of the ear)? for un "
                r"controls", low):
        return None, [{"countries": sorted(UN_746_1B)}], None
    if low.startswith("a license is required for items controlled by this "
                      "entry for export or reexport to pakistan") or \
            low.startswith("a license is required for items controlled by "
                           "this entry, other than"):
        return None, [{"countries": ["PK"]}], None
    if low.startswith("a license is required for items controlled by this "
                      "entry for export or reexport to iraq or pakistan"):
        return None, [{"countries": ["IQ", "PK"]}], None
    if low.startswith("a license is required for items controlled by this "
                      "entry for export or reexport to iraq"):
        return None, [{"countries": ["IQ"]}], None
    if re.match(r"^a license is required for (items controlled by this "
                r"entry|export or reexport of these items) to north korea",
                low):
        return None, [{"countries": ["KP"]}], None
    if low.startswith("see § 746.8"):
        return None, None, ("15 CFR 746.8", [{"countries": ["BY", "RU"]}])
    m = re.search(r"§+\s*([0-9]{3}\.[0-9]+(?:\([a-z0-9]+\))*)", t)
    if m:
        return None, None, ("15 CFR " + m.group(1), None)
    return None, None, ("CCL entry License Requirements", None)


def reason_of(control):
    c = control.strip()
    if c.lower().startswith("russian industry sector sanctions"):
        return "FP"
    m = re.match(r"^([A-Z]{2})\b", c)
    return m.group(1) if m else None


def parse_controls(e):
    eccn = e["eccn"]
    out = []
    notes = []
    seen = set()
    for row in e["countryChart"]:
        ctext = re.sub(r"\s+", " ", row["control"]).strip()
        stext = row["countryChart"]
        reason = reason_of(ctext)
        if reason is None:
            notes.append("Unread control row: " + ctext[:200])
            continue
        key = (reason, ctext)
        if key in seen:
            notes.append("Duplicate control row dropped (%s): the parsed "
                         "entry likely merges two ECCNs." % ctext[:80])
            continue
        seen.add(key)
        col, dests, refer = scope_for(stext)
        after = re.sub(r"^.*?\bappl(?:y|ies)\s+(?:to\s+)?", "", ctext)
        whole = re.match(r"^(the )?entire entry\.?$", after.strip()) is not None
        paras = None
        cnote = None
        if not whole:
            if re.match(r"^(the )?entire entry", after):
                cnote = "Applies to the entire entry with a limit the " \
                        "engine does not model: " + ctext
            else:
                paras = own_paragraphs(eccn, after)
                qual = re.search(r"\b(when|except|unless|for use in|usable "
                                 r"in|that meet|if)\b", after)
                other = [x for x in re.findall(r"\b[0-9][A-E][0-9]{3}\b",
                                               after) if x != eccn]
                if paras is None:
                    cnote = "Applies only to part of the entry; not " \
                            "narrowed (the row names no paragraph of " \
                            "%s): %s" % (eccn, ctext)
                elif qual or other:
                    cnote = "Paragraphs narrowed; a further condition is " \
                            "not modelled: " + ctext
        # A prose scope (worldwide, D-groups, Macau/D:5, ...) on a row that
        # covers only part of the entry and names none of its paragraphs
        # (e.g. 3D001 "software for 3A090.a") must not make the whole
        # entry licensable there: it becomes a referral, so the engine
        # answers cannot_determine for that scope and says why.
        partial = paras is None and not whole and dests is not None and \
            not re.match(r"^(the )?entire entry", after)
        for d in (dests or [None]):
            c = {"reason": reason}
            if col:
                c["column"] = col
            elif d is not None and partial:
                m = re.search(r"§+\s*([0-9]{3}\.[0-9]+(?:\([a-z0-9]+\))*)",
                              stext)
                c["refer"] = ("15 CFR " + m.group(1)) if m else \
                    "15 CFR Part 774, Supp. No. 1, %s License Requirements" \
                    % eccn
                c["destinations"] = d
            elif d is not None:
                c["destinations"] = d
            else:
                c["refer"] = refer[0]
                if refer[1]:
                    c["destinations"] = refer[1][0]
            if paras:
                c["paragraphs"] = paras[0] if len(paras) == 1 else paras
            if cnote:
                c["note"] = cnote[:600]
            if not col and d is None and refer and refer[0].startswith(
                    "CCL entry"):
                m = re.search(r"§+\s*([0-9]{3}\.[0-9]+(?:\([a-z0-9]+\))*)",
                              ctext)
                c["refer"] = ("15 CFR " + m.group(1)) if m else \
                    "15 CFR Part 774, Supp. No. 1, %s License Requirements" \
                    % eccn
                c["note"] = ("Country Chart cell reads '%s'; control text: "
                             "%s" % (re.sub(r"\s+", " ", stext).strip(),
                                     ctext))[:600]
            out.append(c)
    return out, notes


def controls_3e001():
    """3E001's License Requirements are merged into its heading in the
    shared parse; these controls transcribe that text (ccl.json heading).
    The RS rows cover technology for some commodities only, so, like other
    partial prose scopes, they are referrals limited to their scope."""
    return [
        {"reason": "NS", "column": "NS1",
         "note": "NS applies to technology for 3A001, 3A002, 3A003, 3B001 "
                 "(except as noted in the heading), 3B002 (except 3B002.c) "
                 "or 3C001 to 3C006; not narrowed."},
        {"reason": "MT", "column": "MT1",
         "note": "MT applies to technology for 3A001 or 3A101 for MT "
                 "reasons; not narrowed."},
        {"reason": "NP", "column": "NP1",
         "note": "NP applies to technology for 3A001, 3A201 or 3A225 to "
                 "3A234 for NP reasons; not narrowed."},
        {"reason": "RS", "refer": "15 CFR 742.6(a)(6)(iii)",
         "destinations": {"groups": ["D:1", "D:4", "D:5"],
                          "except_groups": ["A:5", "A:6"]},
         "note": "RS applies to technology for commodities controlled by "
                 "3A001.z, 3A090 (except 3A090.c): to or within D:1, D:4 "
                 "and D:5 excluding A:5/A:6."},
        {"reason": "RS", "refer": "15 CFR 742.6(a)(6)(i)(B)",
         "destinations": {"countries": ["MO"], "groups": ["D:5"]},
         "note": "RS applies to technology for commodities controlled by "
                 "3A090.c: to or within Macau or D:5."},
        {"reason": "RS", "column": "RS2",
         "note": "RS applies to technology for 3A001.a.15 or b.13, 3A004, "
                 "3B003, 3C007, 3C008 or 3C009; not narrowed."},
        {"reason": "AT", "column": "AT1"},
    ]


def gen_eccn(shared, out):
    ccl = load_json(os.path.join(shared, "ccl.json"))
    if ccl.get("ecfrIssueDate") != AS_OF:
        die("ccl.json is of %s, expected %s" % (ccl.get("ecfrIssueDate"),
                                                AS_OF))
    s2 = set(load_json(os.path.join(shared, "meu-supplement2-part744.json"))
             ["meuSupp2Eccns"])
    entries = {e["eccn"]: e for e in ccl["entries"]}
    missing = s2 - set(entries)
    if missing:
        die("Supplement No. 2 ECCNs missing from ccl.json: %s" %
            sorted(missing))
    lines = [dump_line({
        "format": "embargo-eccn", "version": 1, "as_of": AS_OF,
        "citation": "15 CFR Part 774, Supp. No. 1",
        "source": {"name": "Generated by scripts/gen-ear-ref.py from "
                           "../shared/data/ear/ccl.json (eCFR XML of "
                           "2026-07-23) and meu-supplement2-part744.json "
                           "(Supp. No. 2 to Part 744)",
                   "url": ECFR_URL + "?part=774"},
        "remarks": "Reasons for control per ECCN as controls: a Country "
                   "Chart column, an explicit destination scope, or a "
                   "referral (refer) where the text sends the reader "
                   "elsewhere or cannot be narrowed. Current text only; "
                   "see each record's remarks."})]
    stats = {"eccns": 0, "supp2": 0, "refer": 0}
    for eccn in sorted(entries):
        e = entries[eccn]
        heading = re.sub(r"\s+", " ", e["heading"]).strip()
        note = []
        if eccn == "3E001":
            heading = heading.split(" License Requirements")[0]
            controls = controls_3e001()
            note.append("Controls transcribed from the License Requirements "
                        "text, which the shared parse merged into the "
                        "heading. The RS control on 3A090 technology "
                        "'when exported from Macau or a destination in "
                        "D:5' (worldwide, 742.6(a)(6)(ii)) is an origin "
                        "condition and is not modelled.")
        elif " License Requirements " in heading:
            heading = heading.split(" License Requirements")[0]
            controls = [{"reason": "CCL", "refer": "15 CFR Part 774, Supp. "
                         "No. 1, %s License Requirements" % eccn,
                         "note": "The shared parse merged this entry's "
                                 "License Requirements into its heading; "
                                 "not read."}]
        elif not e["countryChart"]:
            if eccn in ("5A980", "5D980", "5E980"):
                controls = [{"reason": "SL", "destinations": {"all": True},
                             "note": "15 CFR 738.3(a)(1): a licence is "
                                     "required for all destinations; the "
                                     "Country Chart does not apply."}]
            else:
                controls = [{"reason": "CCL", "refer": "15 CFR Part 774, "
                             "Supp. No. 1, %s License Requirements" % eccn,
                             "note": "No License Requirements rows in the "
                                     "shared parse (e.g. ITAR-controlled, "
                                     "600 series or prose-only entry)."}]
        else:
            controls, note = parse_controls(e)
        if eccn == "3D005":
            note.append("The shared parse repeats 3D005's rows with NS "
                        "Column 2, probably from a following entry (3D006 "
                        "is absent); only the first rows are kept.")
        if eccn in ("3A090", "4A090", "3A001", "5A992", "5D992", "4A003",
                    "4A004", "4A005", "5A002", "5A004", "5D002", "3D001",
                    "4D001", "4D090", "4E001", "5E002", "5E992"):
            note.append("The worldwide RS scope of the .a/.z.x.a paragraphs "
                        "and the UAE clause are AI Diffusion rule text "
                        "(90 FR 4544); BIS announced on 2025-05-13 that it "
                        "would not enforce that rule. Encoded as printed in "
                        "the eCFR of 2026-07-23.")
        rec = {"eccn": eccn, "title": heading[:400], "controls": controls,
               "supp2_744": eccn in s2}
        if eccn in CREATED:
            d, cit, n = CREATED[eccn]
            rec["effective_from"] = d
            rec["citation"] = cit
            if n:
                note.append(n)
            note.append("Created on that date; later changes to its "
                        "paragraphs and scopes are not modelled (current "
                        "text only).")
        if eccn in ("3A090", "4A090"):
            note.append("The Oct. 2022 text differed (3A090: TPP >= 4800 "
                        "and bidirectional transfer rate >= 600 GB/s; "
                        "licence to China only, Macau from 2023-01-18, "
                        "D:1/D:4/D:5 from 2023-11-17); only current text "
                        "is modelled.")
        if note:
            rec["remarks"] = " ".join(note)
        lines.append(dump_line(rec))
        stats["eccns"] += 1
        stats["supp2"] += rec["supp2_744"]
        stats["refer"] += any("refer" in c for c in controls)
    with open(os.path.join(out, "ref", "eccn.jsonl"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return set(entries), stats


def gen_fr_dates(out):
    docs = []
    for (vol, first, last, doc, pub, eff, title, ver, rem) in FR_DOCUMENTS:
        d = {"volume": vol, "first_page": first, "last_page": last}
        if doc:
            d["fr_doc"] = doc
        d.update({"published": pub, "effective": eff, "title": title,
                  "verified": ver})
        if rem:
            d["remarks"] = rem
        docs.append(d)
    docs.sort(key=lambda d: (d["volume"], d["first_page"]))
    write_json(os.path.join(out, "ref", "fr-dates.json"), {
        "source": "Researched by hand for embargo (scripts/gen-ear-ref.py "
                  "FR_DOCUMENTS); every source is listed in "
                  "docs/ear-sources.md",
        "as_of": FR_AS_OF,
        "documents": docs})
    return docs


# ---------------------------------------------------------------------------
# Checks

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID = re.compile(r"^[a-z0-9.:-]+$")
RULE_FIELDS = {"id", "kind", "title", "summary", "effective_from",
               "effective_until", "citation", "policy", "exceptions",
               "verified", "remarks", "params"}
REQUIRED = {"id", "kind", "title", "summary", "effective_from", "citation",
            "params"}
ROLES = {"purchaser", "intermediate_consignee", "ultimate_consignee",
         "end_user"}
DETERMINATIONS = {"license_required", "prohibited", "no_license_required"}
KIND_PARAMS = {
    "listed_party": {"lists", "roles", "determination", "items",
                     "use_entry_terms", "note"},
    "country_chart": {"skip_reasons"},
    "end_use": {"end_uses", "end_user_lists", "items", "destinations",
                "determination"},
    "informed_party": {"names", "entity_ids", "include_related", "items",
                       "destinations", "determination"},
    "foreign_direct_product": {"footnotes", "roles", "items",
                               "savings_until", "savings_condition",
                               "determination"},
    "de_minimis": {"thresholds", "default_pct", "zero_eccns"},
    "embargo": {"destinations", "items", "determination"},
    "us_person": {"activities", "end_uses", "destinations",
                  "determination"},
}
EXCEPTIONS = {"LVS", "GBS", "SPP", "TSR", "APP", "NAC", "ACA", "TMP", "RPL",
              "GOV", "GFT", "TSU", "BAG", "AVS", "APR", "ENC", "AGR", "CCD",
              "STA", "SCP", "ACE", "MED", "IEC", "HBM", "RFF", "AIA", "ACM",
              "LPP"}


def valid_date(s):
    if not isinstance(s, str) or not DATE.match(s):
        return False
    try:
        datetime.date.fromisoformat(s)
    except ValueError:
        return False
    return True


def check_dest(d, countries, where, errs):
    if not isinstance(d, dict):
        errs.append(where + ": destinations is not an object")
        return
    for k, v in d.items():
        if k == "all":
            if v is not True:
                errs.append(where + ": all must be true")
        elif k in ("countries", "except_countries"):
            for c in v:
                if c not in countries:
                    errs.append("%s: unknown country %s" % (where, c))
        elif k in ("groups", "except_groups"):
            for g in v:
                if g not in GROUPS:
                    errs.append("%s: unknown group %s" % (where, g))
        else:
            errs.append("%s: unknown destinations key %s" % (where, k))


def check_items(v, eccns, where, errs):
    if v in ("all", "supplement2"):
        return
    if not isinstance(v, dict) or set(v) - {"eccns", "prefixes"}:
        errs.append(where + ": bad items")
        return
    for e in v.get("eccns", []):
        if e.split(".")[0] not in eccns:
            errs.append("%s: ECCN %s not in ref/eccn.jsonl" % (where, e))
    for p in v.get("prefixes", []):
        if not isinstance(p, str) or not p:
            errs.append(where + ": bad prefix")


def check(out):
    errs = []
    groups = load_json(os.path.join(out, "ref", "country-groups.json"))
    chart = load_json(os.path.join(out, "ref", "country-chart.json"))
    countries = set(chart["countries"]) | set(chart.get("same_as", {}))
    for g in groups["groups"].values():
        countries |= set(g)
    if set(groups["groups"]) != set(GROUPS):
        errs.append("country-groups.json: groups are not A:1..E:2")
    if chart["columns"] != COLUMNS:
        errs.append("country-chart.json: columns differ")
    for iso, marks in chart["countries"].items():
        if set(marks) - set(COLUMNS):
            errs.append("country-chart.json: bad mark for " + iso)
    eccns = set()
    with open(os.path.join(out, "ref", "eccn.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            if n == 1:
                if rec.get("format") != "embargo-eccn":
                    errs.append("eccn.jsonl:1: bad header")
                continue
            where = "eccn.jsonl:%d" % n
            if rec["eccn"] in eccns:
                errs.append(where + ": duplicate " + rec["eccn"])
            eccns.add(rec["eccn"])
            if set(rec) - {"eccn", "title", "controls", "supp2_744",
                           "effective_from", "effective_until", "citation",
                           "remarks", "verified"}:
                errs.append(where + ": unknown field")
            if "effective_from" in rec and not valid_date(
                    rec["effective_from"]):
                errs.append(where + ": bad effective_from")
            for c in rec["controls"]:
                if set(c) - {"reason", "column", "destinations",
                             "paragraphs", "note", "refer"}:
                    errs.append(where + ": unknown control field")
                if sum(k in c for k in ("column", "destinations",
                                        "refer")) == 0:
                    errs.append(where + ": control without scope")
                if "column" in c and "destinations" in c:
                    errs.append(where + ": column and destinations")
                if "column" in c and c["column"] not in COLUMNS:
                    errs.append(where + ": bad column " + c["column"])
                if "destinations" in c:
                    check_dest(c["destinations"], countries, where, errs)
    fr = load_json(os.path.join(out, "ref", "fr-dates.json"))
    for i, d in enumerate(fr["documents"]):
        for k in ("published", "effective"):
            if not valid_date(d[k]):
                errs.append("fr-dates.json[%d]: bad %s" % (i, k))
        if d["last_page"] < d["first_page"]:
            errs.append("fr-dates.json[%d]: pages" % i)
    ids = {}
    nrules = 0
    packs = os.path.join(out, "us-ear")
    for name in sorted(os.listdir(packs)):
        if not name.endswith(".jsonl"):
            continue
        path = os.path.join(packs, name)
        with open(path, encoding="utf-8") as f:
            header = None
            for n, line in enumerate(f, 1):
                where = "%s:%d" % (name, n)
                if not line.strip() or line.startswith("//"):
                    continue
                if len(line.encode("utf-8")) > 65536:
                    errs.append(where + ": line over 64 KiB")
                try:
                    r = json.loads(line)
                except ValueError as ex:
                    errs.append("%s: invalid JSON (%s)" % (where, ex))
                    continue
                if header is None:
                    header = r
                    if r.get("format") != "embargo-rules" or \
                            r.get("version") != 1 or \
                            r.get("regime") != "US-EAR":
                        errs.append(where + ": bad header")
                    continue
                nrules += 1
                for k in set(r) - RULE_FIELDS:
                    errs.append("%s: unknown field %s" % (where, k))
                for k in REQUIRED - set(r):
                    errs.append("%s: missing field %s" % (where, k))
                rid = r.get("id", "")
                if not ID.match(rid):
                    errs.append(where + ": bad id")
                if rid in ids:
                    errs.append("%s: duplicate id %s (also %s)" %
                                (where, rid, ids[rid]))
                ids[rid] = where
                if not valid_date(r.get("effective_from")):
                    errs.append(where + ": bad effective_from")
                u = r.get("effective_until")
                if u is not None and (not valid_date(u) or
                                      u < r["effective_from"]):
                    errs.append(where + ": bad effective_until")
                for x in r.get("exceptions", []):
                    if x not in EXCEPTIONS:
                        errs.append("%s: unknown exception %s" % (where, x))
                if r.get("verified") is False and not r.get("remarks"):
                    errs.append(where + ": unverified rule without remarks")
                kind = r.get("kind")
                if kind not in KIND_PARAMS:
                    errs.append(where + ": unknown kind")
                    continue
                p = r.get("params", {})
                for k in set(p) - KIND_PARAMS[kind]:
                    errs.append("%s: unknown param %s" % (where, k))
                if "determination" in p and \
                        p["determination"] not in DETERMINATIONS:
                    errs.append(where + ": bad determination")
                for k in ("roles",):
                    for x in p.get(k, []):
                        if x not in ROLES:
                            errs.append(where + ": bad role " + x)
                if "items" in p:
                    check_items(p["items"], eccns, where, errs)
                if "destinations" in p:
                    check_dest(p["destinations"], countries, where, errs)
                for t in p.get("thresholds", []):
                    check_dest(t["destinations"], countries, where, errs)
                for e in p.get("zero_eccns", []):
                    if e.split(".")[0] not in eccns:
                        errs.append("%s: ECCN %s not in ref" % (where, e))
                if "savings_until" in p and not valid_date(
                        p["savings_until"]):
                    errs.append(where + ": bad savings_until")
    for e in errs:
        print(e, file=sys.stderr)
    print("checked %d ECCNs, %d FR documents, %d rules: %d errors" %
          (len(eccns), len(fr["documents"]), nrules, len(errs)))
    return not errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true",
                    help="validate ref/* and us-ear/*.jsonl, write nothing")
    a = ap.parse_args()
    if a.check:
        sys.exit(0 if check(a.out) else 1)
    if not os.path.isdir(a.shared):
        die("no shared EAR data at " + a.shared)
    os.makedirs(os.path.join(a.out, "ref"), exist_ok=True)
    groups = gen_country_groups(a.shared, a.out)
    known = gen_country_chart(a.shared, a.out)
    eccns, stats = gen_eccn(a.shared, a.out)
    docs = gen_fr_dates(a.out)
    print("wrote ref/: %d groups, %d destinations, %d ECCNs (%d in Supp. "
          "No. 2 to Part 744, %d with a referral), %d FR documents" %
          (len(groups), len(known), stats["eccns"], stats["supp2"],
           stats["refer"], len(docs)))


if __name__ == "__main__":
    main()
