#!/usr/bin/env python3
"""Build the seed fixtures (fixtures/*.json) from the verified research (docs/research/verified/).

Run from anywhere (paths are found from this file), with the standard library only:

    python3 docs/research/build_fixtures.py

It reads the four verified files (verified-seed.json for the thirteen seed sources, and the
ontario, west_east and rcmp_regulators groups) and the fixtures as they stand, and rewrites the
fixtures: every record already there keeps its pk; the seed sources are corrected from
verified-seed.json; new sources, agencies, uses, people, statements, actions, steps, authorities
and citations are appended with new pks. Then it writes docs/research/SEEDED.md.

It can be run again: every record it adds carries the timestamp BUILD_STAMP, and those are
dropped and rebuilt on each run; changes it makes to existing records set values (or add a
sentence only when it is not there yet), so a second run gives the same files.

Everything written here comes from the verified files. What is decided here rather than read
from them (the mapping of research steps to actions, a role worded for a person page, a
description for a source whose headline is not recorded, the sentences that record where two
sources disagree) is in the tables below, each with the research it rests on.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import OrderedDict, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = ROOT / "fixtures"
VERIFIED = HERE / "verified"
GROUPS = ("ontario", "west_east", "rcmp_regulators")

BUILD_STAMP = "2026-12-01T00:00:00Z"
PUBLISHED = "published"

CITED_FIELDS = (
    "agency",
    "vendor",
    "product",
    "use",
    "incident",
    "action",
    "authority",
    "person",
    "statement",
    "step",
)
AGENCY_KINDS = {
    "municipal_police",
    "regional_police",
    "provincial_state_police",
    "federal_law_enforcement",
    "other_public_body",
}
# The research's "other" is not an AgencyKind: the Via Rail Police Service, the railway police
# of a federal Crown corporation, is recorded as another public body.
AGENCY_KIND_MAP = {"other": "other_public_body"}
USE_STATUSES = {"confirmed", "trial", "suspended", "ended", "reported", "denied"}
AUTHORISATIONS = {"authorised", "unauthorised", "unknown"}
STANCES = {
    "confirms_use",
    "denies_use",
    "declines_comment",
    "corrects_earlier",
    "disputes_finding",
    "accepts_finding",
    "other",
}
STEP_KINDS = (
    "opened",
    "finding",
    "recommendation",
    "order",
    "response",
    "compliance",
    "appeal",
    "closed",
)
SOURCE_KINDS = {"news", "official_statement", "official_document", "court_record", "other"}
PRECISIONS = {"day", "month", "year"}
SLUG = re.compile(r"^[-a-z0-9_]+$")

PROVINCES = {
    "CA-ON": "Ontario",
    "CA-AB": "Alberta",
    "CA-BC": "British Columbia",
    "CA-NS": "Nova Scotia",
    "CA-SK": "Saskatchewan",
    "CA-QC": "Quebec",
}
KIND_WORDS = {
    "municipal_police": "Municipal police service",
    "regional_police": "Regional police service",
    "provincial_state_police": "Provincial police service",
    "federal_law_enforcement": "Federal police service",
}

EXISTING_AGENCIES = {  # by name, as the brief fixes them
    "Toronto Police Service": 1,
    "Peel Regional Police": 2,
    "Durham Regional Police Service": 3,
    "Halton Regional Police Service": 4,
}
CLEARVIEW = "Clearview AI, Inc."  # vendor 1, not an agency
CLEARVIEW_VENDOR = 1
PRODUCT = 1  # Clearview AI image search tool

# ---------------------------------------------------------------------------------------------
# Sources whose headline the research does not record: a description, shown in brackets
# (title_supplied). Each follows what the research says of the page (its URL slug, its text).
SUPPLIED_TITLES = {
    "cbc-2020-02-13-tps-confirms": (
        "CBC News report that Toronto police confirmed officers used Clearview AI"
    ),
    "cjme-2020-02-28-regina": "CJME report on Regina police and facial recognition",
    "globalnews-2020-02-27-rcmp": (
        "Global News report on the RCMP's use of Clearview AI in child exploitation cases"
    ),
    "globeandmail-2020-02-28-opc-rcmp": (
        "Globe and Mail report that the privacy commissioner opened an investigation into the "
        "RCMP's use of facial recognition"
    ),
    "ctvnews-cp-2020-02-28-opc-rcmp": (
        "Canadian Press report that the privacy watchdog is probing the RCMP's use of facial "
        "recognition software"
    ),
    "simcoe-2020-07-13-class-action": (
        "Report on the RCMP at the centre of a facial recognition lawsuit"
    ),
    "idtechwire-2020-03-rcmp-limited": (
        "ID Tech report that the RCMP will keep using Clearview AI in limited circumstances"
    ),
    "openparliament-2022-05-09-ethi20-fergus": (
        "House of Commons ethics committee (ETHI), meeting 20, 9 May 2022: transcript"
    ),
    "openparliament-2022-05-09-ethi20-p3": (
        "House of Commons ethics committee (ETHI), meeting 20, 9 May 2022: transcript, page 3"
    ),
    "openparliament-2022-05-09-ethi20-p4": (
        "House of Commons ethics committee (ETHI), meeting 20, 9 May 2022: transcript, page 4"
    ),
    "openparliament-2022-05-09-ethi20-p10": (
        "House of Commons ethics committee (ETHI), meeting 20, 9 May 2022: transcript, page 10"
    ),
    "cbc-2021-02-03-clearview-violated": (
        "CBC News report on the privacy commissioners' findings on Clearview AI"
    ),
    "nationalobserver-2021-02-04-findings": (
        "National Observer report that the probe found Clearview AI engaged in illegal mass "
        "surveillance of Canadians"
    ),
    "techxplore-2021-02-findings": (
        "AFP report that a Canadian probe found Clearview AI breached privacy laws"
    ),
    "directioninformatique-2021-12-14-quebec": (
        "Direction informatique report that Quebec ordered Clearview AI to destroy the images it "
        "collected without consent"
    ),
    "cai-2021-12-14-decision-1023158-s": (
        "Commission d'accès à l'information du Québec, decision in file 1023158-S (Clearview AI "
        "Inc.)"
    ),
    "idtechwire-2021-12-provinces-orders": (
        "ID Tech report on further orders by Canadian provinces against Clearview AI"
    ),
    "dww-2024-12-bcsc": (
        "Deeth Williams Wall note on B.C.'s Personal Information Protection Act applying to an "
        "organisation without a physical presence (2024 BCSC 2311)"
    ),
    "mondaq-2026-bcca": (
        "Mondaq bulletin on the B.C. Court of Appeal upholding the broad reach of provincial "
        "privacy laws"
    ),
    "millerthomson-2025-abkb": (
        "Miller Thomson note on a decision marking a new era for Alberta's privacy laws"
    ),
    "idtechwire-2021-06-rcmp-one-year": (
        "ID Tech report on the commissioner's ruling that the RCMP's Clearview contract violated "
        "Canadian privacy law"
    ),
    "piac-2021-12-14-frt-consultation": (
        "Public Interest Advocacy Centre comments on the OPC's 2021 facial recognition consultation"
    ),
    "ipc-on-frt-mugshot-guidance": (
        "Information and Privacy Commissioner of Ontario: facial recognition and mugshot "
        "databases, guidance for police in Ontario"
    ),
    "idtechwire-2024-ontario-guidance": (
        "ID Tech report that Ontario's privacy commissioner urges transparency and safeguards for "
        "police facial recognition"
    ),
    "teresascassa-2024-12-bcsc-post": (
        "Teresa Scassa on Clearview AI and compliance with Canadian privacy laws"
    ),
}

# ---------------------------------------------------------------------------------------------
# People. Speakers named in statements become people with the role the research gives; these
# reword a role for a person page where the research's is a note or differs between sources.
ROLE_OVERRIDES = {
    "Joe Cardi": "sergeant, spokesperson",
    "Ryan Anderson": "constable, spokesperson",
    "Aaron Roed": "sergeant, spokesman",
    "John MacLeod": "constable, spokesperson",
    "Steve Addison": "sergeant",
    "Steve Betteridge": "sergeant",
    "Warren Driechel": "superintendent, Informatics Division",
    "Blair Ramsay": "detective sergeant, head of child exploitation and internet crimes",
    "Caroline Duval": "corporal, spokeswoman",
    "Gordon Sage": "Director General, Sensitive and Specialized Investigative Services",
    "Doug Mitchell": "lawyer",  # "attorney for Clearview" / "lawyer for Clearview AI"
    "Peter Leon": "spokesperson",  # also "corporate communications co-ordinator"
}
# People quoted only in use citations or steps, with the role the research gives them there.
EXTRA_PEOPLE = {
    "Daniel Therrien": (
        "Privacy Commissioner of Canada",
        "Office of the Privacy Commissioner of Canada",
        ("authority", 1),
    ),
    "Jill Clayton": (
        "Information and Privacy Commissioner of Alberta",
        "Office of the Information and Privacy Commissioner of Alberta",
        ("authority", 2),
    ),
    "Diane Poitras": (
        "signatory of decision 1023158-S",
        "Commission d'accès à l'information du Québec",
        ("authority", 4),
    ),
}
# Every speaker string of a use citation or a step: the person it names, or None when it names
# an organisation or a document (the citation then has no speaker). An unknown string stops the
# build, so no speaker is dropped unseen.
SPEAKER_STRINGS = {
    "James Ramer, Chief of Police, Toronto Police Service": "James Ramer",
    "Meaghan Gray, TPS spokesperson": "Meaghan Gray",
    "Sgt. Joe Cardi, Peel spokesperson": "Joe Cardi",
    "Michael Nunn, CPS spokesman": "Michael Nunn",
    "Sgt. Aaron Roed, VPD spokesman (email)": "Aaron Roed",
    "Const. John MacLeod, HRP spokesperson (email)": "John MacLeod",
    "Const. John MacLeod, HRP spokesperson (follow-up email)": "John MacLeod",
    "Calgary Police Service (written statement to CBC News)": None,
    "CPS spokesperson (unnamed)": None,
    "Supt. Warren Driechel, EPS Informatics Division": "Warren Driechel",
    "Jill Clayton, Information and Privacy Commissioner of Alberta": "Jill Clayton",
    "MHPS (emailed statement)": None,
    "Sgt. Steve Addison, VPD (email)": "Steve Addison",
    "Evan Bray, Chief": "Evan Bray",
    "Sylvain Caron, director (letter of 27 May)": "Sylvain Caron",
    "Teresa Scassa (commentary)": None,  # the author of the cited post, not a quoted speaker
    "Office of the Privacy Commissioner of Canada (statement)": None,
    "Daniel Therrien, Privacy Commissioner of Canada (in the report)": "Daniel Therrien",
    "Daniel Therrien, Privacy Commissioner of Canada": "Daniel Therrien",
    "Royal Canadian Mounted Police (statement)": None,
    "Office of the Information and Privacy Commissioner of Alberta (resource page)": None,
    "Joint announcement of the four commissioners": None,
    "Tor Ekeland, attorney for Clearview AI": "Tor Ekeland",
    "Hoan Ton-That, CEO, Clearview AI": "Hoan Ton-That",
    "Doug Mitchell, lawyer for Clearview AI": "Doug Mitchell",
    "Joint report of the commissioners": None,
    "Office of the Privacy Commissioner of Canada (announcement, French version)": None,
    "Me Diane Poitras, Commission d'accès à l'information du Québec": "Diane Poitras",
    # Two sources name two different judges (see the disagreements): no person is recorded.
    "Justice Palbinder Shergill (as named by Pique; another source names a different judge, "
    "see disagreements)": None,
}

# ---------------------------------------------------------------------------------------------
# Use citations the research lists under Toronto's use that are about other records: the
# Toronto Star's counts of Canadian users (about the vendor), Durham's own confirmation and
# Barrie's first denial. (agency, source key, start of quote) -> (record kind, agency or pk).
REASSIGNED_USE_CITATIONS = {
    ("Toronto Police Service", "thestar-2020-02-27-far-more-widely", "On Thursday, a dozen"): (
        "vendor",
        CLEARVIEW_VENDOR,
    ),
    ("Toronto Police Service", "thestar-2020-03-02-ndp-moratorium", "The Star reported Thursday"): (
        "vendor",
        CLEARVIEW_VENDOR,
    ),
    ("Toronto Police Service", "thestar-2020-03-02-ndp-moratorium", "The RCMP, the Ontario"): (
        "vendor",
        CLEARVIEW_VENDOR,
    ),
    ("Toronto Police Service", "thestar-2020-02-20-durham", "Durham Regional Police have"): (
        "use",
        "Durham Regional Police Service",
    ),
    ("Toronto Police Service", "simcoe-2020-03-06-barrie", "Barrie police, along with"): (
        "use",
        "Barrie Police Service",
    ),
}

# The existing uses (pks 1-4) keep their summaries; these add what the research adds, in the
# words of its summaries and citations (each backed by a citation added to the use).
EXISTING_USE_ADDITIONS = {
    "Toronto Police Service": (
        "The service had initially denied using Clearview AI in January 2020. The internal review "
        "presented to the Toronto Police Services Board on 28 February 2022 found that 144 "
        "officers had downloaded a free trial and that the tool was used in 84 investigations "
        "between October 2019 and February 2020; the board adopted a policy on the use of "
        "artificial intelligence at the same meeting."
    ),
    "Peel Regional Police": (
        "Peel police said a demo product of Clearview AI was provided for testing only and was "
        "never used in active investigations."
    ),
    "Halton Regional Police Service": (
        "Halton police said they have since stopped and that an internal evaluation is underway."
    ),
    "Durham Regional Police Service": (
        "Durham police said an internal canvass found several investigative units used Clearview "
        "AI on a trial basis; Chief Paul Martin ordered use stopped until the matter is reviewed "
        "and direction is received from the privacy commissioner."
    ),
}

# The statuses of uses 1-4 in the seed before this build (what a rebuild reports changed).
SEED_USE_STATUS = {1: "trial", 2: "trial", 3: "trial", 4: "confirmed"}

# Said in SEEDED.md: choices made in mapping that no table above shows on its own.
JUDGMENT_NOTES = [
    "Quotes are the research's, character for character. Where the research notes that a "
    "trailing comma inside the source's quotation marks was dropped, that note is left out of "
    "the citation's claim (it is about the transcription, not what the source supports).",
    "Steps of one action with the same kind and date are one step with a citation of each "
    "research step's source: the OPC's opening of its RCMP investigation (CBC, The Globe and "
    "Mail), its finding (CBC, Toronto Star), the RCMP's response (its statement; the OPC via "
    "MobileSyrup), the joint findings (Toronto Star, National Observer), Clearview's response "
    "to them (CBC, TechXplore/AFP) and the B.C. Supreme Court decision (DWW, Pique).",
    "Step kinds changed from the research: the draft FPT guidance's release and Clearview's "
    "petition to the B.C. Supreme Court are 'opened' (each action's first step); the B.C. "
    "Supreme Court, B.C. Court of Appeal and Alberta court decisions, 'appeal' in the research, "
    "are findings (an appeal step reads 'under appeal since', which those decisions ended).",
    "The court challenges are actions of their own (kind 'ruling'), with the courts as new "
    "authorities of kind 'court'. The Alberta challenge has no 'opened' step: no source gives "
    "when Clearview filed it. The B.C. and Alberta orders and the Ontario IPC's 2024 guidance "
    "begin with the order or guidance itself, the only step the sources date.",
    "No action is closed: no source says one closed.",
    "Action 2 (the Ontario IPC's work on biometric guidance, of the seed) is kept apart from "
    "the IPC's guidance of January 2024: no source links them.",
    "The FPT police guidance lists the OPC as lead and the Alberta commissioner as partner (its "
    "page is the source of the final guidance); the other provincial and territorial "
    "authorities are not named in the sources.",
    "Statements answering an action (about_action): the RCMP's of 10 June 2021 and its "
    "'mass surveillance' denial of 9 May 2022 answer the OPC's RCMP investigation; Clearview's "
    "of 21 Feb 2020, 6 Jul 2020, 3 Feb 2021 and May 2021 answer the joint investigation; its "
    "B.C. Supreme Court petition answers the B.C. order. Doug Mitchell's words to PYMNTS on "
    "the December 2021 orders (three actions) have none.",
    "No person is recorded for the judge of 2024 BCSC 2311 (two sources name two judges), nor "
    "for Teresa Scassa, the author of the posts cited (not a speaker in them). Diane Poitras, "
    "named with the Commission's decision, is recorded as its signatory; the sources seen give "
    "no other role.",
    "A statement's date is marked inferred unless the source states it outright (a dated "
    "release or letter, 'on Jan. 17', 'In January', an editor's note's date, the committee "
    "meeting's date); its date note is the research's account of how it is known.",
    "Agency summaries say only what kind of service it is and where, from the research's "
    "fields; the facts are on the use.",
]

# ---------------------------------------------------------------------------------------------
# Regulatory actions. Action 1 (the joint investigation of Clearview AI) exists; these are new.
NEW_ACTIONS = OrderedDict(
    [
        (
            "opc-rcmp",
            dict(
                title="OPC investigation of the RCMP's use of Clearview AI",
                slug="opc-investigation-of-rcmp-use-of-clearview-ai",
                kind="investigation",
                authorities=[(1, "lead")],
                agencies=["Royal Canadian Mounted Police"],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "The Office of the Privacy Commissioner of Canada opened an investigation "
                    "under the Privacy Act into the RCMP's use of Clearview AI on 28 February "
                    "2020, the day after the RCMP acknowledged its use, separate from the joint "
                    "investigation of the company. Its special report of 10 June 2021 found that "
                    "the RCMP had contravened the Privacy Act and recommended changes to its "
                    "policies and training; the RCMP accepted the recommendations but did not "
                    "agree that it had contravened the Act."
                ),
            ),
        ),
        (
            "bc-order",
            dict(
                title="B.C. commissioner's Order P21-08 against Clearview AI",
                slug="bc-order-p21-08-against-clearview-ai",
                kind="order",
                authorities=[(3, "lead")],
                agencies=[],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "After the joint investigation, the Information and Privacy Commissioner for "
                    "British Columbia ordered Clearview AI on 14 December 2021 to stop offering "
                    "services that use images and biometric facial arrays of people in B.C. "
                    "collected without their consent, to stop collecting, using and disclosing "
                    "them, and to delete those it holds, by 25 January 2022."
                ),
            ),
        ),
        (
            "ab-order",
            dict(
                title="Alberta commissioner's Order P2021-12 against Clearview AI",
                slug="alberta-order-p2021-12-against-clearview-ai",
                kind="order",
                authorities=[(2, "lead")],
                agencies=[],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "After the joint investigation, the Information and Privacy Commissioner of "
                    "Alberta issued Order P2021-12 against Clearview AI, announced on 14 December "
                    "2021 with the British Columbia and Quebec orders; it directs Clearview to "
                    "cease operations in Alberta and to delete the personal information of "
                    "Albertans it collected."
                ),
            ),
        ),
        (
            "qc-order",
            dict(
                title="Quebec CAI decision 1023158-S against Clearview AI",
                slug="quebec-cai-decision-1023158-s-against-clearview-ai",
                kind="order",
                authorities=[(4, "lead")],
                agencies=[],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "After the joint investigation, the Commission d'accès à l'information du "
                    "Québec found on 14 December 2021 that Quebec's private-sector privacy law "
                    "applies to Clearview AI and that the company had not met several of its "
                    "obligations, and ordered it to stop collecting and using images of Quebecers "
                    "without their consent and to destroy those it holds within 90 days."
                ),
            ),
        ),
        (
            "bc-court",
            dict(
                title="Clearview AI's court challenge to B.C. Order P21-08",
                slug="clearview-ai-court-challenge-to-bc-order-p21-08",
                kind="ruling",
                authorities=[
                    ("Supreme Court of British Columbia", "lead"),
                    ("Court of Appeal for British Columbia", "lead"),
                ],
                agencies=[],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "Clearview AI challenged the B.C. commissioner's Order P21-08 in the Supreme "
                    "Court of British Columbia, which upheld the order on 18 December 2024 (2024 "
                    "BCSC 2311), holding that B.C.'s Personal Information Protection Act applies "
                    "to it. The Court of Appeal for British Columbia upheld that ruling on 18 "
                    "February 2026."
                ),
            ),
        ),
        (
            "ab-court",
            dict(
                title="Clearview AI's court challenge to Alberta Order P2021-12",
                slug="clearview-ai-court-challenge-to-alberta-order-p2021-12",
                kind="ruling",
                authorities=[("Court of King's Bench of Alberta", "lead")],
                agencies=[],
                vendors=[CLEARVIEW_VENDOR],
                summary=(
                    "On 8 May 2025 the Alberta court upheld the Alberta commissioner's Order "
                    "P2021-12 against Clearview AI. When Clearview brought its challenge is not "
                    "recorded."
                ),
            ),
        ),
        (
            "fpt-guidance",
            dict(
                title="Privacy guidance on facial recognition for police agencies",
                slug="fpt-privacy-guidance-on-facial-recognition-for-police",
                kind="guidance",
                authorities=[(1, "lead"), (2, "partner")],
                agencies=[],
                vendors=[],
                summary=(
                    'The Office of the Privacy Commissioner of Canada released a draft "Privacy '
                    'guidance on facial recognition for police agencies" for consultation on 10 '
                    "June 2021; Canada's privacy authorities issued the guidance in May 2022."
                ),
            ),
        ),
        (
            "ipc-2024",
            dict(
                title="Ontario IPC guidance for police on facial recognition and mugshot databases",
                slug="ipc-ontario-guidance-facial-recognition-mugshot-databases",
                kind="guidance",
                authorities=[(5, "lead")],
                agencies=[],
                vendors=[],
                summary=(
                    "In January 2024 the Information and Privacy Commissioner of Ontario issued "
                    "guidance for police in Ontario on facial recognition and mugshot databases, "
                    "to clarify the rights and obligations under Ontario's access and privacy "
                    "laws."
                ),
            ),
        ),
    ]
)
# New authorities (courts), each cited from the source of the step it took.
NEW_AUTHORITIES = OrderedDict(
    [
        (
            "Supreme Court of British Columbia",
            dict(
                slug="supreme-court-of-british-columbia",
                short_name="BCSC",
                subdivision="CA-BC",
                step=("bc-court", "finding", "2024-12-18"),
            ),
        ),
        (
            "Court of Appeal for British Columbia",
            dict(
                slug="court-of-appeal-for-british-columbia",
                short_name="BCCA",
                subdivision="CA-BC",
                step=("bc-court", "finding", "2026-02-18"),
            ),
        ),
        (
            "Court of King's Bench of Alberta",
            dict(
                slug="court-of-kings-bench-of-alberta",
                short_name="ABKB",
                subdivision="CA-AB",
                step=("ab-court", "finding", "2025-05-08"),
            ),
        ),
    ]
)

# Each research step's action (its "action" text) -> (action key or existing pk, kind to record,
# or None to keep the research kind). Steps of one action, kind and date are merged into one
# step with a citation of each source.
# Uses the research called tests or confirmed use that its own cited words say stopped, on a
# date no source gives: in the status rule, "ended" (a test with no end date reads as ongoing).
USE_STATUS_CORRECTIONS = {
    "Durham Regional Police Service": (
        "ended",
        "the chief ordered the use stopped (Toronto Star, 20 Feb 2020).",
    ),
    "Hamilton Police Service": (
        "ended",
        "the deputy chief directed the officers to stop (CBC News, Feb 2020).",
    ),
    "Niagara Regional Police Service": (
        "ended",
        "the service said it had since ceased using it (Global News, 22 Feb 2020).",
    ),
}
TORONTO_REVIEW = "Toronto Police Service full review of its use of Clearview AI"
STEP_ACTIONS = {
    "OPC investigation of the RCMP's use of Clearview AI (Privacy Act)": ("opc-rcmp", None),
    "OPC special report to Parliament: RCMP's use of Clearview AI": ("opc-rcmp", None),
    "OPC recommendations to the RCMP (policies, systems, training)": ("opc-rcmp", None),
    "RCMP response to the OPC special report": ("opc-rcmp", None),
    # The draft's release opened the guidance (for consultation); the final text is the
    # recommendation.
    "Draft FPT privacy guidance on facial recognition for police agencies (consultation)": (
        "fpt-guidance",
        "opened",
    ),
    "Final FPT privacy guidance on facial recognition for police agencies": ("fpt-guidance", None),
    "Joint investigation of Clearview AI": (1, None),
    TORONTO_REVIEW: (6, None),
    "Clearview ceases offering its services in Canada; RCMP contract suspended": (1, None),
    "Clearview ceases offering its services in Canada": (1, None),
    "Joint investigation findings (PIPEDA Findings #2021-001)": (1, None),
    "Recommendations to Clearview AI": (1, None),
    "Clearview's response to the findings": (1, None),
    "Clearview declines to comply with the recommendations": (1, None),
    "OPC statement on the provincial orders": (1, None),
    # The OPC's announcement of the three orders is cited on each order's step instead.
    "OPC announces binding provincial orders against Clearview AI": ("ORDERS", None),
    "BC Order P21-08 against Clearview AI": ("bc-order", None),
    "Alberta Order P2021-12 against Clearview AI": ("ab-order", None),
    "Quebec CAI decision 1023158-S against Clearview AI": ("qc-order", None),
    "Quebec CAI order against Clearview AI": ("qc-order", None),
    # The petition opens the court challenge; the courts' decisions upholding the order are its
    # findings (an "appeal" step would read "under appeal since", which they ended).
    "Clearview petitions B.C. Supreme Court for judicial review of Order P21-08": (
        "bc-court",
        "opened",
    ),
    "B.C. Supreme Court upholds Order P21-08 (2024 BCSC 2311)": ("bc-court", "finding"),
    "B.C. Court of Appeal dismisses Clearview's appeal (2026 BCCA 67)": ("bc-court", "finding"),
    "Alberta Court of King's Bench decision on Order P2021-12 (2025 ABKB 287)": (
        "ab-court",
        "finding",
    ),
    "Ontario IPC guidance: Facial Recognition and Mugshot Databases: Guidance for Police in "
    "Ontario": ("ipc-2024", None),
}
ORDER_ACTIONS = ("bc-order", "ab-order", "qc-order")
# A finding in a few words, as a step's title shows it ("Finding: …"); the research's finding
# texts carry notes. Keyed by (action key, date).
FINDINGS = {
    (6, "2022-02-28"): "Clearview AI used in 84 investigations without approval",
    ("opc-rcmp", "2021-06-10"): "Privacy Act contravened: the RCMP collected personal "
    "information through Clearview AI, which had collected it unlawfully",
    (1, "2021-02-03"): "PIPEDA and the Quebec, B.C. and Alberta private-sector privacy laws "
    "contravened: highly sensitive biometric information collected without consent, for "
    'inappropriate purposes ("mass surveillance")',
    ("qc-order", "2021-12-14"): "Quebec's private-sector privacy law applies to Clearview AI, "
    "which failed several of its legal obligations",
    ("bc-court", "2024-12-18"): "B.C.'s Personal Information Protection Act applies to "
    "Clearview AI; judicial review dismissed and Order P21-08 upheld",
    ("bc-court", "2026-02-18"): "Appeal dismissed: Order P21-08 reasonable and B.C.'s Personal "
    "Information Protection Act applies to Clearview AI",
    ("ab-court", "2025-05-08"): "Order P2021-12 upheld",
}
# Said of a deadline the research computed rather than read.
DEADLINE_NOTES = {
    ("opc-rcmp", "2021-06-10"): "ID Tech reports that the RCMP was given one year; the deadline "
    "of 10 June 2022 is counted from the report, not stated as a date in the sources.",
    ("qc-order", "2021-12-14"): "The Commission gave 90 days; the deadline of 14 March 2022 is "
    "counted from the decision, not stated as a date in the sources.",
}
# What else a step's summary says, from its research step (its finding text, when the step is
# not a finding).
STEP_NOTES = {
    ("ab-order", "2021-12-14"): "DataGuidance reports that the order found violations of "
    "sections 7, 11, 16 and 19 of Alberta's Personal Information Protection Act.",
}
# Citations a step gets besides those of its research steps: the source of a fact its summary
# states. (action key, kind, date) -> [(source key, quote, claim)].
EXTRA_STEP_CITATIONS = {
    ("ab-order", "order", "2021-12-14"): [
        (
            "millerthomson-2025-abkb",
            "On May 8, 2025, the Court upheld Order P2021-12, by the Alberta Information and "
            "Privacy Commissioner (the “Commissioner”) directing Clearview AI Inc. (the “Company”) "
            "to cease all operations in Alberta and to delete all collected Albertan personal "
            "information in its possession.",
            "What Order P2021-12 directs Clearview AI to do.",
        ),
    ],
    ("bc-court", "finding", "2026-02-18"): [
        (
            "mondaq-2026-bcca",
            "",
            "Dates the B.C. Court of Appeal's decision (2026 BCCA 67) to 18 February 2026.",
        ),
    ],
    ("ab-court", "finding", "2025-05-08"): [
        (
            "slaw-2025-alberta-kb",
            "",
            "Slaw reports the Alberta court's decision on Clearview "
            "AI's challenge under the headline \"Albert’s Court Finds Privacy Regulation "
            'Unconstitutional".',
        ),
    ],
    ("opc-rcmp", "opened", "2020-02-28"): [
        (
            "ctvnews-cp-2020-02-28-opc-rcmp",
            "",
            "The Canadian Press, 28 February 2020: the "
            "privacy watchdog probes the RCMP's use of facial recognition software.",
        ),
    ],
    ("opc-rcmp", "finding", "2021-06-10"): [
        (
            "priv-2021-06-09-media-advisory",
            "",
            "The OPC's media advisory says the special "
            "report would be posted on Thursday, June 10, 2021 at approximately 9:30 a.m. ET.",
        ),
    ],
    ("ipc-2024", "recommendation", "2024-01-01"): [
        (
            "ipc-on-frt-mugshot-guidance",
            "",
            "The IPC's own page for the guidance, \"Facial "
            'Recognition and Mugshot Databases: Guidance for Police in Ontario".',
        ),
    ],
}
# Citations a statement gets besides its own: the page that gives its date. (source key of the
# statement, said on) -> [(source key, quote, claim)].
EXTRA_STATEMENT_CITATIONS = {
    ("openparliament-2022-05-09-ethi20-p3", "2022-05-09"): [
        ("openparliament-2022-05-09-ethi20-fergus", "", "Dates ETHI meeting 20 to 9 May 2022.")
    ],
    ("openparliament-2022-05-09-ethi20-p4", "2022-05-09"): [
        ("openparliament-2022-05-09-ethi20-fergus", "", "Dates ETHI meeting 20 to 9 May 2022.")
    ],
    ("openparliament-2022-05-09-ethi20-p10", "2022-05-09"): [
        ("openparliament-2022-05-09-ethi20-fergus", "", "Dates ETHI meeting 20 to 9 May 2022.")
    ],
    ("cbc-2020-03-rcmp-limit-use", "2020-03-01"): [
        (
            "mobilesyrup-2020-03-09-rcmp-limit",
            "",
            "MobileSyrup relayed the RCMP's email to CBC News on 9 March 2020.",
        )
    ],
}
# The research lists the Alberta commissioner's remarks on the joint findings as a step whose
# finding is "(commissioner's statement on the findings)": they are a statement on behalf of
# the Alberta commissioner about the joint investigation, and are recorded as one.
STEPS_AS_STATEMENTS = {"oipc-ab-2021-02-03-statement"}

# What became of Toronto's review (seed action 6): the Ontario notes give its results, before
# the police board on 28 Feb 2022, from the Toronto Star of that day (both quotes checked again
# against the stored copy). Recorded as the review's finding; no source says it closed.
EXTRA_RESEARCH_STEPS = [
    {
        "action": TORONTO_REVIEW,
        "kind": "finding",
        "occurred_on": "2022-02-28",
        "precision": "day",
        "date_how": "the police board received the review's results at its meeting of Monday "
        "28 Feb 2022 (Toronto Star of that date)",
        "deadline": None,
        "source_key": "thestar-2022-02-28-144-officers",
        "quote": "Clearview AI was used in 84 probes between October 2019 and February 2020, when "
        "Toronto police slammed the brakes on its use.",
        "speaker": None,
        "claim": "The board received the results of the internal review launched in 2020; the "
        "tool was used in 84 investigations.",
    },
    {
        "action": TORONTO_REVIEW,
        "kind": "finding",
        "occurred_on": "2022-02-28",
        "precision": "day",
        "date_how": "the chief's report was before the board on 28 Feb 2022",
        "deadline": None,
        "source_key": "thestar-2022-02-28-144-officers",
        "quote": "The use of technology without first gaining approval from (senior Toronto "
        "police leadership) exposed a gap in TPS procedures governing the use of emerging "
        "technologies",
        "speaker": "James Ramer, Chief of Police, Toronto Police Service",
        # (The trailing comma inside the Star's quotation marks is left out of the quote.)
        "claim": "Chief James Ramer's report on the review acknowledges the gap in procedures.",
    },
]

# Statements that answer a regulatory action (about_action): (speaking for, said on, stance or
# None for any, source key or None for any) -> action key or existing pk. Clearview's words to
# PYMNTS on "the Dec 2021 orders" answer three actions at once and are left without one.
ABOUT_ACTION = [
    # The chief's report accepting the review's results answers the review.
    ("Toronto Police Service", "2022-02-28", "accepts_finding", None, 6),
    ("Royal Canadian Mounted Police", "2021-06-10", None, None, "opc-rcmp"),
    ("Royal Canadian Mounted Police", "2022-05-09", "disputes_finding", None, "opc-rcmp"),
    (CLEARVIEW, "2020-02-21", None, None, 1),
    (CLEARVIEW, "2020-07-06", None, None, 1),
    (CLEARVIEW, "2021-02-03", None, None, 1),
    (CLEARVIEW, "2021-05-01", None, None, 1),
    # Clearview's petition answers the B.C. order it challenges.
    (CLEARVIEW, "2022-01-01", None, "schoolinfosystem-2022-01-29-glacier", "bc-order"),
]

# A statement's date is inferred unless the source states it outright: these date_how texts say
# where the source gives the date itself (a dated release, "on Jan. 17", "In January").
STATED_DATE = re.compile(
    r"both place the denial 'In January'|says only 'In January'|'twice in February'"
    r"|editor's note: 'On Saturday Feb\. 22, 2020'|'When first contacted by CBC about the "
    r"software on Feb\. 19\.'|spoke 'on Feb\. 21'|'in a Feb\. 28 email'|^same Feb\. 28 email"
    r"|'En novembre 2019'|wrote 'on Jan\. 17'|^news release dated|^statement dated"
    r"|^ETHI (committee )?meeting #20|its meeting of Monday 28 Feb 2022"
)

# ---------------------------------------------------------------------------------------------
# Where two sources disagree (the research's "disagreements"): the record concerned gets a
# citation of each source (when it has none yet, or `always`) and a sentence saying how they
# differ. Targets: ("use", agency name), ("vendor", pk), ("action", key or pk),
# ("step", (action, kind, date)).
DISAGREEMENTS = [
    dict(
        research="ontario: Toronto officers, 144 vs 115",
        target=("use", "Toronto Police Service"),
        sentence="The Toronto Star reports that 144 officers signed up; CBC News, as summarised "
        "by ID Tech, reports that 115 officers used it; both give 84 investigations.",
        cite=[
            (
                "thestar-2022-02-28-144-officers",
                "",
                "The Toronto Star: 144 officers downloaded a free trial of Clearview AI.",
            ),
            (
                "idtechwire-tps-115-officers",
                "",
                "ID Tech, summarising CBC News: 115 individual officers used Clearview AI.",
            ),
        ],
    ),
    dict(
        research="ontario: start of Toronto police testing",
        target=("use", "Toronto Police Service"),
        sentence="The Toronto Sun says Toronto police were testing Clearview AI in 2018 for a "
        "pilot project, but the same article says the pilot took place from October 2019 to "
        "February 2020, as the service itself says.",
        cite=[
            (
                "torontosun-2020-02-client-list-hacked",
                "",
                "The Toronto Sun says Toronto police "
                "were testing Clearview AI in 2018 for a pilot project.",
            ),
            (
                "globalnews-2020-02-13-tps-confirms",
                "",
                "The service says its members began using Clearview AI in October 2019.",
            ),
        ],
        always={"torontosun-2020-02-client-list-hacked"},
    ),
    dict(
        research="ontario: counts of services",
        target=("vendor", CLEARVIEW_VENDOR),
        sentence="Counts of its Canadian police users differ by date and basis: the Toronto "
        "Star reported on 27 February 2020 that a dozen police forces and private businesses "
        "had confirmed use that day, and on 2 March 2020 that more than 20 police forces across "
        "Canada had obtained log-ins; simcoe.com reported on 6 March 2020 that Barrie was one "
        "of 37 police services across the country that used Clearview AI.",
        cite=[
            (
                "thestar-2020-02-27-far-more-widely",
                "",
                "The Toronto Star, 27 February 2020: "
                "a dozen police forces and private businesses confirmed use that day.",
            ),
            (
                "thestar-2020-03-02-ndp-moratorium",
                "",
                "The Toronto Star, 2 March 2020: more "
                "than 20 police forces across Canada had obtained log-ins.",
            ),
            (
                "simcoe-2020-03-06-barrie",
                "",
                "simcoe.com, 6 March 2020: Barrie is one of 37 "
                "police services across the country that used Clearview AI.",
            ),
        ],
        always={"simcoe-2020-03-06-barrie"},
    ),
    dict(
        research="ontario: London police admission",
        target=("use", "London Police Service"),
        sentence="The London Free Press places the chief's admission and stop order in "
        "February 2020; ID Tech says the service backtracked in March.",
        cite=[
            (
                "lfpress-2020-02-london-admit",
                "",
                "The London Free Press, February 2020: "
                "London police acknowledged some officers may have used Clearview AI, and the "
                "chief ordered any use stopped.",
            ),
            (
                "idtechwire-2020-05-london",
                "",
                "ID Tech says London police backtracked in March 2020.",
            ),
        ],
        always={"idtechwire-2020-05-london"},
    ),
    dict(
        research="ontario: Hamilton timing",
        target=("use", "Hamilton Police Service"),
        sentence="CBC News says Deputy Chief Frank Bergen spoke in an interview on a Thursday "
        "and the service's letter was sent the day before; the Toronto Star, in The Hamilton "
        "Spectator, says Hamilton confirmed on a Friday; the exact day, about 20 or 21 "
        "February 2020, is uncertain.",
        cite=[
            (
                "cbc-2020-02-hamilton-tested",
                "",
                "CBC News: the letter was sent 'yesterday' "
                "and Deputy Chief Bergen spoke on Thursday.",
            ),
            (
                "thespec-2020-02-gta-chiefs",
                "",
                "The Toronto Star, in The Hamilton Spectator: "
                "Hamilton police confirmed on Friday that officers had trial log-ins.",
            ),
        ],
        always={"cbc-2020-02-hamilton-tested"},
    ),
    dict(
        research="ontario: Waterloo",
        target=("use", "Waterloo Regional Police Service"),
        sentence="On 19 February 2020 the Waterloo Region Record reported Chief Bryan Larkin "
        "saying the software was not being used by local police, and CBC News reported the "
        "service saying it had used facial recognition software made available through "
        "Toronto police in 2019, without knowing whether it was Clearview AI; the review "
        "reported on 11 March 2020 found Clearview AI was used from 17 November 2019 to 14 "
        "February 2020.",
        cite=[
            (
                "therecord-2020-02-19-larkin",
                "",
                "The Record, 19 February 2020: Chief Larkin "
                "says the software is not being used by local police.",
            ),
            (
                "cbc-2020-02-waterloo-past",
                "",
                "CBC News: WRPS used facial recognition software "
                "made available through Toronto police on a very limited basis in 2019; Larkin "
                "did not know whether it was Clearview AI.",
            ),
            (
                "therecord-2020-03-11-waterloo",
                "",
                "The Record, 11 March 2020: a review found Waterloo police had used Clearview AI.",
            ),
        ],
    ),
    dict(
        research="ontario: Waterloo stop date",
        target=("use", "Waterloo Regional Police Service"),
        sentence="The Cambridge Times says local police stopped on 14 February 2020, the day "
        "Peel and Halton confirmed their use to the Star, as the police release says; the "
        "Record says only mid-February.",
        cite=[
            (
                "therecord-2020-03-11-waterloo",
                "",
                "The Record dates the use between mid-November and mid-February.",
            )
        ],
        always={"therecord-2020-03-11-waterloo"},
    ),
    dict(
        research="west_east: Vancouver, first confirmation",
        target=("use", "Vancouver Police Department"),
        sentence="The Toronto Star of 28 February 2020 lists Vancouver among forces that "
        "confirmed their employees had used the tool; the Vancouver Sun's undated story has "
        "Sgt. Aaron Roed confirming the detective's use on a Wednesday, so the day the "
        "department first confirmed it cannot be fixed.",
        cite=[],
    ),
    dict(
        research="west_east: Vancouver, workshop or conference",
        target=("use", "Vancouver Police Department"),
        sentence="The Vancouver Sun says the detective opened the account after attending a "
        "workshop in Ontario; Castanet says after attending a conference on child "
        "exploitation.",
        cite=[],
    ),
    dict(
        research="west_east: Edmonton, early CTV wording",
        target=("use", "Edmonton Police Service"),
        sentence="An early version of a CTV News Edmonton story of 28 February 2020 says the "
        "service had previously defended its own plans to use Clearview AI; the later version "
        "of the story and Global News describe Clearview AI as unapproved, and the plans the "
        "service had described earlier in February were for other, mugshot-only software.",
        cite=[],
    ),
    dict(
        research="west_east: Edmonton, one use or two",
        target=("use", "Edmonton Police Service"),
        sentence="Postmedia says Clearview AI was used without approval on at least two "
        "occasions; Supt. Warren Driechel says it was applied to one auto theft investigation, "
        "and CTV quotes him describing one real-world use and one log-on to see what it did.",
        cite=[],
    ),
    dict(
        research="west_east: B.C. commissioner, February 2021",
        target=("action", 1),
        sentence="On the findings of February 2021, the B.C. commissioner said officers in "
        "about five B.C. police departments had used Clearview AI: CTV News quotes him as "
        'saying "In British Columbia we found evidence of police forces officially taking on '
        "this technology\" but also reports that he said local police forces didn't authorize "
        "its use, and CBC News says the use had not been authorized; the two accounts differ.",
        cite=[
            (
                "ctvbc-2021-02-03-five-officers",
                "",
                "CTV News Vancouver, 3 February 2021: the "
                "B.C. commissioner said officers in about five B.C. police departments used "
                "Clearview AI, and that local police forces didn't authorize its use.",
            ),
            (
                "cbc-2021-02-bc-five-officers",
                "",
                "CBC News, February 2021: five police "
                "officers in B.C. used the software, whose use had not been authorized.",
            ),
        ],
    ),
    dict(
        research="rcmp_regulators: RCMP's answers in January 2020",
        target=("use", "Royal Canadian Mounted Police"),
        sentence="The RCMP's answers before its admission differ by outlet: a spokesperson "
        "wrote to CBC Nova Scotia on 17 January 2020 that it did not currently use facial "
        "recognition software; Global News says it declined to comment when asked in January; "
        "the Toronto Star says on 20 February that it would not say, and on 27 February that it "
        "had previously refused to confirm.",
        cite=[
            (
                "cbc-2020-03-04-rcmp-denied",
                "",
                "CBC News: on 17 January 2020 an RCMP "
                "spokesperson wrote that the RCMP does not currently use facial recognition "
                "software.",
            ),
            (
                "globalnews-2020-02-27-rcmp",
                "",
                "Global News: asked in January 2020 whether it "
                "was using Clearview AI, the RCMP declined to comment.",
            ),
            (
                "thestar-2020-02-20-durham",
                "",
                "The Toronto Star, 20 February 2020: the RCMP "
                "will not say whether it has used Clearview AI.",
            ),
            (
                "thestar-2020-02-27-rcmp-admits",
                "",
                "The Toronto Star, 27 February 2020: the "
                "RCMP had previously refused to confirm whether it used Clearview AI.",
            ),
        ],
    ),
    dict(
        research="rcmp_regulators: RCMP and the OPC's conclusion",
        target=("step", ("opc-rcmp", "response", "2021-06-10")),
        sentence="The RCMP's statement says it accepted all of the OPC's recommendations; the "
        "OPC, as reported by MobileSyrup, and CBC News say it did not agree that it had "
        "contravened the Privacy Act.",
        cite=[
            (
                "cbc-2021-06-10-rcmp-violated",
                "",
                "CBC News, 10 June 2021: the police force "
                "does not agree with the privacy commissioner's conclusions.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: date of the joint findings",
        target=("step", (1, "finding", "2021-02-03")),
        sentence="The report is dated 2 February 2021 and was made public on 3 February 2021.",
        cite=[
            (
                "priv-2021-02-02-pipeda-2021-001",
                "",
                "The report of the joint investigation "
                "(PIPEDA Findings #2021-001) is dated 2 February 2021.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: date of the Alberta order",
        target=("step", ("ab-order", "order", "2021-12-14")),
        sentence="Slaw says the Alberta commissioner ordered Clearview AI on 7 December 2021; "
        "DataGuidance and the OPC's announcement give 14 December 2021 for the three orders.",
        cite=[
            (
                "slaw-2025-alberta-kb",
                "",
                "Slaw says the Alberta Information and Privacy "
                "Commissioner ordered Clearview AI on 7 December 2021.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: judge in 2024 BCSC 2311",
        target=("step", ("bc-court", "finding", "2024-12-18")),
        sentence="Pique Newsmagazine names the judge as Justice Palbinder Shergill; the CALT "
        "case tracker names Justice Alan Ross.",
        cite=[
            (
                "calt-bcsc-2311",
                "",
                "The CALT case tracker names the judge in 2024 BCSC 2311 as Justice Alan Ross.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: name of the Alberta court",
        target=("step", ("ab-court", "finding", "2025-05-08")),
        sentence="Teresa Scassa's post of 27 May 2025 names the court the Alberta Court of "
        "Queen's Bench; Miller Thomson names it the Court of King's Bench, and the decision is "
        "cited as 2025 ABKB 287.",
        cite=[
            (
                "teresascassa-2025-05-27-abkb",
                "",
                "Teresa Scassa says the decision was made by the Alberta Court of Queen's Bench.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: Scassa on when the joint report was issued",
        target=("step", (1, "finding", "2021-02-03")),
        sentence="Teresa Scassa's post on the B.C. Supreme Court decision says the joint report "
        "was issued late in 2021.",
        cite=[
            (
                "teresascassa-2024-12-bcsc-post",
                "",
                "Teresa Scassa says the joint report was issued late in 2021.",
            )
        ],
    ),
    dict(
        research="rcmp_regulators: binding force of the February 2021 federal step",
        target=("step", (1, "recommendation", "2021-02-03")),
        sentence="ID Tech says Clearview ignored the federal commissioner's order earlier in "
        "2021, but also that the federal commissioner does not have enforcement powers; "
        "McMillan describes the February 2021 report as non-binding recommendations.",
        cite=[
            (
                "idtechwire-2021-12-provinces-orders",
                "",
                "ID Tech says Clearview ignored "
                "Therrien's federal order earlier in the year, and that the federal commissioner "
                "does not have enforcement powers.",
            ),
            (
                "mcmillan-2022-01-05-orders",
                "",
                "McMillan describes the February 2021 report as non-binding recommendations.",
            ),
        ],
    ),
    dict(
        research="rcmp_regulators: when the RCMP's use began",
        target=("use", "Royal Canadian Mounted Police"),
        sentence="The RCMP's release of 27 February 2020 says its National Child Exploitation "
        "Crime Centre had used the tool for about four months; the commissioner's count, as "
        "reported by The Canadian Press in 2022, is of searches from October 2019 to July 2020.",
        cite=[],
    ),
]
# Disagreements about a page itself (its headline or date), not about a record: said in
# SEEDED.md and in the sources' own date notes from the research.
SOURCE_DISAGREEMENTS = [
    "west_east: CTV News Edmonton story 1.4832024 is stored in two versions with different "
    "slugs and headlines, before and after the police briefing (sources "
    "ctvedmonton-2020-02-28-eps-to-speak and ctvedmonton-2020-02-28-eps-used, both recorded).",
    "west_east: the stored Global News Halifax page is titled 'Halifax police confirm use of "
    "controversial Clearview AI facial recognition technology'; Global's own link and a "
    "republished copy give 'Halifax police confirm they have used controversial Clearview AI "
    "facial recognition technology' (probably a revision). The stored title is recorded.",
    "rcmp_regulators: CBC story 1.5899008 on the February 2021 findings carries page metadata "
    "dated 2020-07-10, against its content; it is recorded as 3 February 2021, inferred.",
]


# ---------------------------------------------------------------------------------------------
def fail(message: str) -> None:
    sys.exit(f"build_fixtures: {message}")


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", ""))
    return text.strip("-")


TRANSCRIPTION_NOTE = re.compile(
    r"\s*\((?:[Tt]railing comma|trailing space)[^)]*\)\.?"
    r"|\s*\(IPC page: [-a-z0-9]+\)"  # a research key, not words for a reader
)


def clean_claim(claim: str) -> str:
    """A research claim without its note on how the quote was transcribed (a trailing comma
    inside the source's quotation marks dropped) or a research key: those are for editors
    (SEEDED.md says it), the claim is shown to readers."""
    return TRANSCRIPTION_NOTE.sub("", claim).strip()


def truncate(value: str | None, precision: str | None) -> str | None:
    """The first day of the period, as the model stores it (loaddata does not call save())."""
    if not value:
        return None
    year, month, _day = value.split("-")
    if precision == "year":
        return f"{year}-01-01"
    if precision == "month":
        return f"{year}-{month}-01"
    return value


def precision(value: str | None, given: str | None) -> str:
    return given if (value and given) else "day"


def load(name: str) -> list[dict]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def dump(name: str, records: list[dict]) -> None:
    text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    (FIXTURES / f"{name}.json").write_text(text, encoding="utf-8")


def add_sentence(summary: str, sentence: str) -> str:
    if sentence in summary:
        return summary
    return f"{summary} {sentence}".strip() if summary else sentence


class Table:
    """One model's records in a fixture file, the existing ones kept and new ones appended."""

    def __init__(self, records: list[dict], model: str):
        self.records = records
        self.model = model
        self.next_pk = max([r["pk"] for r in records if r["model"] == model], default=0) + 1

    def of_model(self) -> list[dict]:
        return [r for r in self.records if r["model"] == self.model]

    def get(self, pk: int) -> dict:
        for record in self.of_model():
            if record["pk"] == pk:
                return record
        fail(f"no {self.model} {pk}")

    def add(self, fields: dict, *, stamped: bool = True, model: str | None = None) -> int:
        model = model or self.model
        if model == self.model:
            pk = self.next_pk
            self.next_pk += 1
        else:
            pk = max([r["pk"] for r in self.records if r["model"] == model], default=0) + 1
        if stamped:
            fields = {**fields, "created_at": BUILD_STAMP, "updated_at": BUILD_STAMP}
        self.records.append({"model": model, "pk": pk, "fields": fields})
        return pk


def generated(record: dict) -> bool:
    return record["fields"].get("created_at") == BUILD_STAMP


def main() -> None:
    seed = json.loads((VERIFIED / "verified-seed.json").read_text(encoding="utf-8"))
    research = {
        g: json.loads((VERIFIED / f"verified-{g}.json").read_text(encoding="utf-8")) for g in GROUPS
    }

    fixtures = {
        name: load(name)
        for name in (
            "sources",
            "vendors",
            "agencies",
            "authorities",
            "people",
            "uses",
            "incidents",
            "actions",
            "statements",
            "steps",
            "citations",
        )
    }
    # A second run rebuilds what the first added: drop every record this script stamped (and
    # the authorities acting on the actions it added).
    generated_actions = {
        r["pk"]
        for r in fixtures["actions"]
        if r["model"] == "agencies.regulatoryaction" and generated(r)
    }
    for name, records in fixtures.items():
        fixtures[name] = [
            r
            for r in records
            if not generated(r)
            and not (
                r["model"] == "agencies.actionauthority"
                and r["fields"]["action"] in generated_actions
            )
        ]

    sources = Table(fixtures["sources"], "agencies.source")
    agencies = Table(fixtures["agencies"], "agencies.agency")
    authorities = Table(fixtures["authorities"], "agencies.authority")
    people = Table(fixtures["people"], "agencies.person")
    uses = Table(fixtures["uses"], "agencies.use")
    actions = Table(fixtures["actions"], "agencies.regulatoryaction")
    statements = Table(fixtures["statements"], "agencies.statement")
    steps = Table(fixtures["steps"], "agencies.actionstep")
    citations = Table(fixtures["citations"], "agencies.citation")
    vendors = Table(fixtures["vendors"], "agencies.vendor")
    report: list[str] = []  # what could not be mapped, or was mapped by judgment

    # --- Sources ------------------------------------------------------------------------------
    for entry in seed["sources"]:
        record = sources.get(entry["pk"])["fields"]
        if entry["headline"]:
            record["title"] = entry["headline"]
            record["title_supplied"] = False
        else:
            record["title_supplied"] = True  # keep the description already written
            report.append(
                f"Seed source {entry['pk']} ({entry['publisher']}): no headline "
                "recorded; its description is kept, in brackets."
            )
        record["url"] = entry["url"]
        record["publisher"] = entry["publisher"]
        record["kind"] = entry["kind"]
        record["author"] = entry.get("author", "")
        record["published_on_precision"] = entry["precision"]
        record["published_on"] = truncate(entry["published_on"], entry["precision"])
        record["published_on_inferred"] = bool(entry["date_inferred"])
        record["date_note"] = entry["date_note"]

    def norm_url(url: str) -> str:
        return url.strip().rstrip("/")

    by_url = {
        norm_url(r["fields"]["url"]): r["pk"] for r in sources.of_model() if r["fields"]["url"]
    }
    source_pk: dict[str, int] = {}  # research key -> pk
    seen_slugs = {r["fields"]["slug"] for r in sources.of_model()}
    merged: OrderedDict[str, list[dict]] = OrderedDict()
    for g in GROUPS:
        for entry in research[g]["sources"]:
            merged.setdefault(norm_url(entry["url"]), []).append({**entry, "_group": g})
    for url, entries in merged.items():
        keys = sorted({e["key"] for e in entries})
        if url in by_url:
            for key in keys:
                source_pk[key] = by_url[url]
            continue
        if not all(e.get("published_on") for e in entries):
            report.append(f"Source left out (no date): {keys}")
            continue
        # Of copies of one page in two groups, the one with a headline (then a finer date).
        rank = {"day": 2, "month": 1, "year": 0}
        best = max(entries, key=lambda e: (bool(e["headline"]), rank[e["precision"]]))
        for other in entries:
            for field in ("headline", "published_on", "precision", "publisher"):
                if other[field] != best[field] and other[field]:
                    report.append(
                        f"Source {url}: groups differ on {field} "
                        f"({other[field]!r} vs {best[field]!r}); kept {best['key']}."
                    )
        slug = best["key"]
        if slug in seen_slugs or not SLUG.match(slug) or len(slug) > 200:
            fail(f"bad or duplicate source slug {slug}")
        seen_slugs.add(slug)
        if best["kind"] not in SOURCE_KINDS or best["precision"] not in PRECISIONS:
            fail(f"source {slug}: kind or precision")
        title, supplied = best["headline"], False
        if not title:
            title = SUPPLIED_TITLES.get(slug) or next(
                (SUPPLIED_TITLES[e["key"]] for e in entries if e["key"] in SUPPLIED_TITLES), None
            )
            supplied = True
            if not title:
                fail(f"source {slug} has no headline and no description")
        if best["date_inferred"] and not best.get("date_note"):
            fail(f"source {slug}: inferred date without a note")
        pk = sources.add(
            {
                "title": title,
                "slug": slug,
                "publisher": best["publisher"],
                "kind": best["kind"],
                "author": best.get("author", ""),
                "url": best["url"],
                "published_on": truncate(best["published_on"], best["precision"]),
                "published_on_precision": best["precision"],
                "published_on_inferred": bool(best["date_inferred"]),
                "date_note": best.get("date_note", ""),
                "publication": PUBLISHED,
                "title_supplied": supplied,
            }
        )
        for key in keys:
            source_pk[key] = pk
        by_url[url] = pk

    def src(key: str) -> int:
        if key not in source_pk:
            fail(f"unknown source key {key}")
        return source_pk[key]

    # --- Citations ----------------------------------------------------------------------------
    def cite(
        field: str, pk: int, source_key: str, quote: str, claim: str, speaker: int | None = None
    ) -> int:
        quote, claim = quote or "", clean_claim(claim or "")
        if not quote and not claim:
            fail(f"citation of {field} {pk} from {source_key} has neither quote nor claim")
        if len(claim) > 300:
            fail(f"claim over 300 characters: {claim[:80]}…")
        fields = {name: None for name in CITED_FIELDS}
        fields[field] = pk
        fields.update(source=src(source_key), quote=quote, claim=claim, speaker=speaker)
        return citations.add(fields)

    def cited_sources(field: str, pk: int) -> set[int]:
        return {r["fields"]["source"] for r in citations.of_model() if r["fields"].get(field) == pk}

    # --- People -------------------------------------------------------------------------------
    person_pk = {r["fields"]["name"]: r["pk"] for r in people.of_model()}
    first_quoted: dict[int, str] = {}  # person pk -> research source key they are first cited in
    agency_pk: dict[str, int] = dict(EXISTING_AGENCIES)

    def organisation_fk(org: str) -> dict:
        fk = {"agency": None, "vendor": None, "authority": None}
        if org == CLEARVIEW:
            fk["vendor"] = CLEARVIEW_VENDOR
        elif org in agency_pk:
            fk["agency"] = agency_pk[org]
        return fk

    # The role and organisation of each speaker named in a statement (the first statement that
    # names them), for people first met in a use citation or a step.
    statement_speakers: dict[str, tuple[str, str]] = {}
    for g in GROUPS:
        for a in research[g]["agencies"]:
            for s in a["statements"]:
                if s["speaker_name"]:
                    statement_speakers.setdefault(
                        s["speaker_name"], (s["speaker_role"], s["on_behalf_of"])
                    )

    def person(name: str, role: str = "", org: str = "", source_key: str = "") -> int:
        if name not in person_pk:
            if not (role and org) and name in statement_speakers:
                role, org = statement_speakers[name]
            if name in EXTRA_PEOPLE:
                role, org, (fk_field, fk_pk) = EXTRA_PEOPLE[name]
                fk = {"agency": None, "vendor": None, "authority": None, fk_field: fk_pk}
            else:
                role = ROLE_OVERRIDES.get(name, role)
                fk = organisation_fk(org)
            if not role or not org:
                fail(f"person {name}: role or organisation unknown")
            slug = slugify(name)
            if slug in {r["fields"]["slug"] for r in people.of_model()}:
                fail(f"person slug {slug} taken")
            person_pk[name] = people.add(
                {
                    "name": name,
                    "slug": slug,
                    "role": role,
                    "organisation": org,
                    **fk,
                    "publication": PUBLISHED,
                }
            )
        pk = person_pk[name]
        if source_key and pk not in first_quoted:
            first_quoted[pk] = source_key
        return pk

    def speaker_of(text: str | None, source_key: str) -> int | None:
        if not text:
            return None
        if text not in SPEAKER_STRINGS:
            fail(f"unknown speaker string {text!r}: add it to SPEAKER_STRINGS")
        name = SPEAKER_STRINGS[text]
        return person(name, source_key=source_key) if name else None

    # --- Agencies and uses --------------------------------------------------------------------
    all_agencies = [a for g in GROUPS for a in research[g]["agencies"]]
    existing_use = {
        r["fields"]["agency"]: r["pk"] for r in uses.of_model() if r["fields"]["product"] == PRODUCT
    }
    for entry in all_agencies:
        name = entry["name"]
        if name == CLEARVIEW or name in agency_pk:
            continue
        kind = AGENCY_KIND_MAP.get(entry["kind"], entry["kind"])
        if kind != entry["kind"]:
            report.append(
                f"{name}: research kind {entry['kind']!r} is not an agency kind; "
                f"recorded as {kind!r}."
            )
        if kind not in AGENCY_KINDS:
            fail(f"{name}: kind {kind}")
        place = entry["locality"]
        region = PROVINCES.get(entry["subdivision"], "")
        if kind in KIND_WORDS:
            where = ", ".join(p for p in (place, region) if p) or "Canada"
            summary = f"{KIND_WORDS[kind]} for {where}."
            if kind == "federal_law_enforcement":
                summary = "Federal police service of Canada."
        else:
            summary = ""
        agency_pk[name] = agencies.add(
            {
                "parent": None,
                "name": name,
                "short_name": entry["short_name"],
                "slug": slugify(name),
                "kind": kind,
                "country": entry["country"],
                "subdivision": entry["subdivision"],
                "locality": entry["locality"],
                "website": "",
                "summary": summary,
                "publication": PUBLISHED,
            }
        )

    use_pk: dict[str, int] = {}
    pending_use_citations: list[tuple] = []  # cited once every use exists
    for entry in all_agencies:
        name, use = entry["name"], entry.get("use")
        if use and name in USE_STATUS_CORRECTIONS:
            status, why = USE_STATUS_CORRECTIONS[name]
            report.append(f"{name}: the use's status is {status!r}, not {use['status']!r}: {why}")
            use = use | {"status": status}
        if name == CLEARVIEW or not use:
            if name != CLEARVIEW:
                report.append(f"{name}: no use in the research.")
            continue
        if use["status"] not in USE_STATUSES or use["authorisation"] not in AUTHORISATIONS:
            fail(f"{name}: use status or authorisation")
        pk_agency = agency_pk[name]
        dates = {}
        for field, key in (
            ("started_on", "started"),
            ("ended_on", "ended"),
            ("disclosed_on", "disclosed"),
        ):
            value, prec = use[f"{key}_on"], use[f"{key}_precision"]
            dates[field] = truncate(value, prec)
            dates[f"{field}_precision"] = precision(value, prec)
        if pk_agency in existing_use:
            pk = existing_use[pk_agency]
            record = uses.get(pk)["fields"]
            before = {k: record[k] for k in dates}
            if before != dates:
                report.append(
                    f"{name}: research dates differ from use {pk}: {before} vs "
                    f"{dates}; the existing dates are kept."
                )
            # A test with a known end stays a test: its end date already makes the use
            # ended in the status rule, and "trial or testing" says what it was.
            if use["status"] == "ended" and SEED_USE_STATUS[pk] == "trial" and record["ended_on"]:
                use = use | {"status": "trial"}
            if SEED_USE_STATUS[pk] != use["status"]:
                report.append(
                    f"{name}: use {pk} takes the research status {use['status']!r} "
                    f"(the seed had {SEED_USE_STATUS[pk]!r}); its dates and summary "
                    "stay, with the research's further facts added to the summary."
                )
            record["status"] = use["status"]
            record["authorisation"] = use["authorisation"]
            record["summary"] = add_sentence(record["summary"], EXISTING_USE_ADDITIONS[name])
        else:
            pk = uses.add(
                {
                    "agency": pk_agency,
                    "product": PRODUCT,
                    "status": use["status"],
                    "authorisation": use["authorisation"],
                    **dates,
                    "accounts": None,
                    "searches": None,
                    "cost": None,
                    "cost_currency": "",
                    "summary": use["summary"],
                    "publication": PUBLISHED,
                }
            )
        use_pk[name] = pk
        for c in use["citations"]:
            pending_use_citations.append((name, c))

    agency_first_citation: dict[str, tuple] = {}
    for name, c in pending_use_citations:
        speaker = speaker_of(c.get("speaker"), c["source_key"])
        target = None
        for (agency, key, start), where in REASSIGNED_USE_CITATIONS.items():
            if agency == name and c["source_key"] == key and c["quote"].startswith(start):
                target = where
        if target is None:
            cite("use", use_pk[name], c["source_key"], c["quote"], c["claim"], speaker)
            agency_first_citation.setdefault(name, (c, speaker))
        elif target[0] == "vendor":
            cite("vendor", target[1], c["source_key"], c["quote"], c["claim"], speaker)
        else:
            cite("use", use_pk[target[1]], c["source_key"], c["quote"], c["claim"], speaker)
    for (agency, key, start), where in REASSIGNED_USE_CITATIONS.items():
        report.append(
            f"Use citation of {agency} from {key} ('{start}…') is recorded on "
            f"{where[0]} {where[1]}: it is about that record, not {agency}'s use."
        )

    # Each agency is public only with a citation of its own: its use's first.
    for name, pk in agency_pk.items():
        if name in EXISTING_AGENCIES or name not in agency_first_citation:
            continue
        c, speaker = agency_first_citation[name]
        cite("agency", pk, c["source_key"], c["quote"], c["claim"], speaker)

    # --- Authorities and actions --------------------------------------------------------------
    authority_pk = {r["fields"]["name"]: r["pk"] for r in authorities.of_model()}
    action_pk: dict = {1: 1, 6: 6}  # the seed's joint investigation and Toronto's review
    first_step_source: dict = {}
    for key, spec in NEW_ACTIONS.items():
        pk = actions.add(
            {
                "title": spec["title"],
                "slug": spec["slug"],
                "kind": spec["kind"],
                "state": "open",
                "opened_on": None,
                "opened_on_precision": "day",
                "closed_on": None,
                "closed_on_precision": "day",
                "summary": spec["summary"],
                "outcome": "",
                "agencies": [agency_pk[a] for a in spec["agencies"]],
                "vendors": spec["vendors"],
                "publication": PUBLISHED,
            }
        )
        action_pk[key] = pk

    # Research steps -> steps (merged by action, kind and date).
    grouped: OrderedDict[tuple, list[dict]] = OrderedDict()
    order_announcement = []
    converted_statements = []
    for entry in [*research["rcmp_regulators"]["steps"], *EXTRA_RESEARCH_STEPS]:
        if entry["action"] not in STEP_ACTIONS:
            fail(f"research step action not mapped: {entry['action']!r}")
        target, kind = STEP_ACTIONS[entry["action"]]
        if entry["source_key"] in STEPS_AS_STATEMENTS:
            converted_statements.append(entry)
            continue
        if target == "ORDERS":
            order_announcement.append(entry)
            continue
        kind = kind or entry["kind"]
        if kind not in STEP_KINDS:
            fail(f"step kind {kind}")
        grouped.setdefault((target, kind, entry["occurred_on"]), []).append(entry)

    step_pk: dict[tuple, int] = {}
    step_entries: dict[int, list] = {}
    for (target, kind, day), entries in grouped.items():
        first = entries[0]
        prec = first["precision"]
        finding = ""
        if kind == "finding":
            finding = FINDINGS.get((target, day), "")
            if not finding:
                fail(f"no finding text for {(target, day)}")
        deadline = next((e["deadline"] for e in entries if e.get("deadline")), None)
        if deadline and kind not in ("recommendation", "order"):
            fail(f"deadline on a {kind} step")
        parts = []
        for e in entries:
            claim = clean_claim(e["claim"])
            if claim not in parts:
                parts.append(claim)
        if (target, day) in STEP_NOTES:
            parts.append(STEP_NOTES[(target, day)])
        # A deadline counted here from "one year" or "90 days" is a date inferred: said so.
        date_note = DEADLINE_NOTES.get((target, day), "") if deadline else ""
        pk = steps.add(
            {
                "action": action_pk[target],
                "kind": kind,
                "occurred_on": truncate(day, prec),
                "occurred_on_precision": prec,
                "finding": finding,
                "deadline_on": deadline,
                "deadline_on_precision": "day",
                "dates_inferred": bool(date_note),
                "date_note": date_note,
                "summary": " ".join(parts),
                "publication": PUBLISHED,
            }
        )
        if len(finding) > 300:
            fail("finding over 300 characters")
        step_pk[(target, kind, truncate(day, prec))] = pk
        step_entries[pk] = entries
        for e in entries:
            cite(
                "step",
                pk,
                e["source_key"],
                e["quote"],
                e["claim"],
                speaker_of(e.get("speaker"), e["source_key"]),
            )
            first_step_source.setdefault(target, e)
    # A new action is dated by its first step when that step begins it (an opening, an order,
    # guidance): a court's ruling is not when the challenge began, which no source dates.
    for key in NEW_ACTIONS:
        dated = sorted(
            (r["fields"]["occurred_on"], r["fields"]["occurred_on_precision"])
            for r in steps.of_model()
            if r["fields"]["action"] == action_pk[key]
            and r["fields"]["kind"] in ("opened", "order", "recommendation")
        )
        if dated:
            fields = actions.get(action_pk[key])["fields"]
            fields["opened_on"], fields["opened_on_precision"] = dated[0]
    for key_tuple, extra in EXTRA_STEP_CITATIONS.items():
        for source_key, quote, claim in extra:
            cite("step", step_pk[key_tuple], source_key, quote, claim)
    for e in order_announcement:
        for target in ORDER_ACTIONS:
            pk = next(pk for (t, k, _), pk in step_pk.items() if t == target and k == "order")
            cite(
                "step",
                pk,
                e["source_key"],
                e["quote"],
                e["claim"],
                speaker_of(e.get("speaker"), e["source_key"]),
            )
        report.append(
            "Research step 'OPC announces binding provincial orders against "
            "Clearview AI' is cited on the order step of each of the three orders, "
            "not recorded as a step of its own."
        )

    # Each new action: its authorities, and a citation of the first citation of each step.
    for key, spec in NEW_ACTIONS.items():
        pk = action_pk[key]
        for who, role in spec["authorities"]:
            if isinstance(who, str):
                if who not in authority_pk:
                    info = NEW_AUTHORITIES[who]
                    authority_pk[who] = authorities.add(
                        {
                            "name": who,
                            "short_name": info["short_name"],
                            "slug": info["slug"],
                            "kind": "court",
                            "country": "CA",
                            "subdivision": info["subdivision"],
                            "website": "",
                            "agency": None,
                            "publication": PUBLISHED,
                        }
                    )
                who = authority_pk[who]
            actions.add(
                {"action": pk, "authority": who, "role": role},
                stamped=False,
                model="agencies.actionauthority",
            )
        seen = set()
        for step_key, spk in step_pk.items():
            if step_key[0] != key:
                continue
            e = step_entries[spk][0]
            if (e["source_key"], e["quote"]) in seen:
                continue
            seen.add((e["source_key"], e["quote"]))
            cite(
                "action",
                pk,
                e["source_key"],
                e["quote"],
                e["claim"],
                speaker_of(e.get("speaker"), e["source_key"]),
            )
    for name, info in NEW_AUTHORITIES.items():
        e = step_entries[step_pk[info["step"]]][0]
        cite("authority", authority_pk[name], e["source_key"], e["quote"], e["claim"])
    # The actionauthority records are stamped by nothing: mark the new ones by their action.

    # --- Statements ---------------------------------------------------------------------------
    def about_action_of(org: str, day: str, stance: str, source_key: str):
        for who, when, st, key, target in ABOUT_ACTION:
            if (
                who == org
                and when == day
                and (st is None or st == stance)
                and (key is None or key == source_key)
            ):
                return action_pk[target]
        return None

    inferred_count = 0
    for entry in all_agencies:
        for s in entry["statements"]:
            org = s["on_behalf_of"]
            if s["stance"] not in STANCES or s["precision"] not in PRECISIONS:
                fail(f"statement stance or precision: {s}")
            if len(s["venue"]) > 200 or len(s["date_how"]) > 300:
                fail(f"venue or date note too long: {s['venue'][:60]}")
            speaker = None
            if s["speaker_name"]:
                speaker = person(s["speaker_name"], s["speaker_role"], org, s["source_key"])
            fk = organisation_fk(org)
            if not any(fk.values()):
                fail(f"statement on behalf of unknown organisation {org}")
            inferred = not STATED_DATE.search(s["date_how"])
            inferred_count += inferred
            pk = statements.add(
                {
                    "stance": s["stance"],
                    "said_on": truncate(s["said_on"], s["precision"]),
                    "said_on_precision": s["precision"],
                    "said_on_inferred": inferred,
                    "date_note": s["date_how"],
                    "speaker": speaker,
                    **fk,
                    "venue": s["venue"],
                    "about_agency": None,
                    "about_use": None,
                    "about_action": about_action_of(
                        org, s["said_on"], s["stance"], s["source_key"]
                    ),
                    "summary": s["claim"],
                    "publication": PUBLISHED,
                }
            )
            cite("statement", pk, s["source_key"], s["quote"], s["claim"], speaker)
            for key, quote, claim in EXTRA_STATEMENT_CITATIONS.get(
                (s["source_key"], s["said_on"]), []
            ):
                cite("statement", pk, key, quote, claim)
    for e in converted_statements:
        speaker = speaker_of(e.get("speaker"), e["source_key"])
        pk = statements.add(
            {
                "stance": "other",
                "said_on": e["occurred_on"],
                "said_on_precision": e["precision"],
                "said_on_inferred": False,
                "date_note": e["date_how"],
                "speaker": speaker,
                "agency": None,
                "vendor": None,
                "authority": 2,
                "venue": "statement at the news conference on the joint investigation's findings",
                "about_agency": None,
                "about_use": None,
                "about_action": 1,
                "summary": e["claim"],
                "publication": PUBLISHED,
            }
        )
        cite("statement", pk, e["source_key"], e["quote"], e["claim"], speaker)
        report.append(
            f"Research step from {e['source_key']} (the Alberta commissioner's words "
            "on the joint findings, finding '(commissioner's statement on the "
            "findings)') is recorded as a statement on behalf of the Alberta "
            "commissioner about action 1, not as a finding."
        )

    # --- Disagreements ------------------------------------------------------------------------
    for d in DISAGREEMENTS:
        kind, what = d["target"]
        if kind == "use":
            field, pk, table = "use", use_pk[what], uses
        elif kind == "vendor":
            field, pk, table = "vendor", what, vendors
        elif kind == "action":
            field, pk, table = "action", action_pk[what], actions
        else:
            action_key, step_kind, day = what
            field, pk, table = "step", step_pk[(action_key, step_kind, day)], steps
        have = cited_sources(field, pk)
        for source_key, quote, claim in d["cite"]:
            if src(source_key) not in have or source_key in d.get("always", set()):
                cite(field, pk, source_key, quote, claim)
                have.add(src(source_key))
        record = table.get(pk)["fields"]
        record["summary"] = add_sentence(record["summary"], d["sentence"])

    # --- Person citations ---------------------------------------------------------------------
    names = {pk: name for name, pk in person_pk.items()}
    for pk, source_key in first_quoted.items():
        if cited_sources("person", pk):
            continue
        f = people.get(pk)["fields"]
        cite(
            "person",
            pk,
            source_key,
            "",
            f"Names {f['name']} as {f['role']}, {f['organisation'].rstrip('.')}.",
        )
    uncited_people = [names[pk] for pk in names if not cited_sources("person", pk)]
    if uncited_people:
        fail(f"people without a citation: {uncited_people}")

    # --- Checks -------------------------------------------------------------------------------
    published_sources = {
        r["pk"] for r in sources.of_model() if r["fields"]["publication"] == PUBLISHED
    }
    for field, table in (
        ("agency", agencies),
        ("statement", statements),
        ("step", steps),
        ("action", actions),
        ("authority", authorities),
        ("person", people),
        ("use", uses),
    ):
        for r in table.of_model():
            if not {s for s in cited_sources(field, r["pk"]) if s in published_sources}:
                fail(f"{field} {r['pk']} has no citation of a published source")
    for c in citations.of_model():
        f = c["fields"]
        if sum(f.get(name) is not None for name in CITED_FIELDS) != 1:
            fail(f"citation {c['pk']} supports more or less than one record")
        if not f["quote"] and not f["claim"]:
            fail(f"citation {c['pk']} has neither quote nor claim")
    for table in (sources, agencies, people, actions, authorities):
        slugs = [r["fields"]["slug"] for r in table.of_model()]
        if len(slugs) != len(set(slugs)) or not all(SLUG.match(s) for s in slugs):
            fail(f"{table.model}: slugs not unique or malformed")
    for r in sources.of_model():
        f = r["fields"]
        if not (f["url"] and f["publisher"] and f["published_on"]) and generated(r):
            fail(f"source {f['slug']} lacks a URL, publisher or date")
        if f["published_on_inferred"] and not f["date_note"]:
            fail(f"source {f['slug']}: inferred date without a note")
        if len(f["title"]) > 300 or len(f["publisher"]) > 200 or len(f["url"]) > 500:
            fail(f"source {f['slug']}: a field is too long")
    for r in statements.of_model():
        f = r["fields"]
        if sum(f[o] is not None for o in ("agency", "vendor", "authority")) != 1:
            fail(f"statement {r['pk']} speaks for more or less than one organisation")
        if f["said_on_inferred"] and not f["date_note"]:
            fail(f"statement {r['pk']}: inferred date without a note")
    used_sources = {c["fields"]["source"] for c in citations.of_model()}
    uncited_sources = [
        r["fields"]["slug"] for r in sources.of_model() if r["pk"] not in used_sources
    ]

    # --- Write --------------------------------------------------------------------------------
    for name in fixtures:
        dump(name, fixtures[name])
    counts = {
        "agencies": len(agencies.of_model()),
        "sources": len(sources.of_model()),
        "uses": len(uses.of_model()),
        "people": len(people.of_model()),
        "statements": len(statements.of_model()),
        "steps": len(steps.of_model()),
        "actions": len(actions.of_model()),
        "authorities": len(authorities.of_model()),
        "citations": len(citations.of_model()),
    }
    write_seeded_md(research, seed, fixtures, counts, report, uncited_sources)
    print(json.dumps(counts))
    print(f"statements with an inferred date: {inferred_count}")
    if uncited_sources:
        print("sources no citation uses:", ", ".join(uncited_sources))
    for line in report:
        print("-", line)


def write_seeded_md(research, seed, fixtures, counts, report, uncited_sources) -> None:
    sources = {r["pk"]: r["fields"] for r in fixtures["sources"]}
    agencies = sorted(
        (r for r in fixtures["agencies"] if r["model"] == "agencies.agency"),
        key=lambda r: r["fields"]["name"],
    )
    uses_by_agency = defaultdict(list)
    for r in fixtures["uses"]:
        uses_by_agency[r["fields"]["agency"]].append(r)
    citations_by_use = defaultdict(list)
    for r in fixtures["citations"]:
        if r["fields"].get("use"):
            citations_by_use[r["fields"]["use"]].append(r)

    def when(f):
        value, prec = f["published_on"], f["published_on_precision"]
        if not value:
            return "undated"
        shown = {"year": value[:4], "month": value[:7]}.get(prec, value)
        return shown + (" (inferred)" if f["published_on_inferred"] else "")

    def title(f):
        return f"[{f['title']}]" if f["title_supplied"] else f"“{f['title']}”"

    lines = [
        "# Seeded from the verified research",
        "",
        "Written by `docs/research/build_fixtures.py` from `docs/research/verified/*.json`; "
        "do not edit by hand (run the script again).",
        "",
        "Counts in `fixtures/`: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".",
        "",
        "## Agencies and their uses",
        "",
        "The source named is the first cited on the use (its earliest-listed citation); "
        "`[...]` is a description written here where the headline is not recorded.",
        "",
        "| Agency | Use status | Source of the use (publisher, headline, date) |",
        "|---|---|---|",
    ]
    for r in agencies:
        for use in uses_by_agency.get(r["pk"], []) or [None]:
            if use is None:
                lines.append(f"| {r['fields']['name']} | no use | |")
                continue
            cited = sorted(citations_by_use[use["pk"]], key=lambda c: c["pk"])
            if cited:
                f = sources[cited[0]["fields"]["source"]]
                src = f"{f['publisher']}, {title(f)}, {when(f)}"
            else:
                src = ""
            lines.append(
                f"| {r['fields']['name']} | {use['fields']['status']} | {src.replace('|', '/')} |"
            )
    lines += ["", "## Facts left out because no source gave them", ""]
    lines += ["From `verified-seed.json`:", ""]
    lines += [f"- {item}" for item in seed["not_found"]]
    for g in GROUPS:
        lines += ["", f"From `verified-{g}.json`:", ""]
        lines += [f"- {item}" for item in research[g]["not_found"]]
    lines += [
        "",
        "## Disagreements recorded",
        "",
        "Each is cited on the record named (both sources) with a sentence in its "
        "summary saying how the sources differ.",
        "",
    ]
    titles = {
        r["pk"]: r["fields"]["title"]
        for r in fixtures["actions"]
        if r["model"] == "agencies.regulatoryaction"
    }
    action_titles = {key: spec["title"] for key, spec in NEW_ACTIONS.items()}
    action_titles[1] = titles[1]
    for d in DISAGREEMENTS:
        kind, what = d["target"]
        if kind == "use":
            on = f"the use of {what}"
        elif kind == "vendor":
            on = "the vendor Clearview AI"
        elif kind == "action":
            on = f"the action “{action_titles[what]}”"
        else:
            action, step_kind, day = what
            on = f"the {step_kind} step of {day} of “{action_titles[action]}”"
        lines.append(f"- {d['research']} (on {on}): {d['sentence']}")
    lines += ["", "About pages themselves (headline or date), not a record:", ""]
    lines += [f"- {item}" for item in SOURCE_DISAGREEMENTS]
    lines += ["", "## Mapped by judgment", ""]
    lines += [f"- {item}" for item in JUDGMENT_NOTES + report]
    if uncited_sources:
        lines += [
            "",
            "Sources recorded but cited by no record: "
            + ", ".join(f"`{s}`" for s in uncited_sources)
            + ".",
        ]
    (HERE / "SEEDED.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
