"""Hand-checked corrections of ICE's lists: data, one record a line, each with what confirms it.

Nothing here is a guess: every record was checked against the evidence named in its comment (the agency's
own name, the other rows of ICE's lists, or the shipped HUD ZIP-county and Census place files). The rules
that use these tables, and the rules that need no table, are in counties/importers/identity.py and placing.py; all of
them are listed in fixtures/SOURCES.md. A row none of them can place stays unresolved, with the reason,
for an editor to fix in the admin.
"""

# --- STATE column --------------------------------------------------------------------------------------
# ICE's spelling slips in the STATE column (folded) -> the state's name. Each is one or two letters from
# one state's name and no other.
STATE_NAME_SLIPS = {
    "mchigan": "Michigan",
    "pennslyvania": "Pennsylvania",
    "utahj": "Utah",
    "west virigina": "West Virginia",
    "west viriginia": "West Virginia",
}

# Rows ICE filed under the wrong state: (kind of list, state as ICE wrote it, agency folded) -> the right
# state's postal code. None of these counties exists in the state ICE gave.
STATE_CORRECTIONS = {
    # No McKenzie County in Texas. North Dakota's McKenzie County Sheriff's Office has a Task Force
    # agreement (the model requested) on ICE's participating list from 2025-03-18, the day after.
    ("pending", "texas", "mckenzie county sheriffs office"): "ND",
    # No Trousdale County in Texas. Tennessee's Trousdale County Sheriff's Office has a Warrant Service
    # Officer agreement (the model requested) on ICE's participating list from 2025-08-29.
    ("pending", "texas", "trousdale county sheriffs office"): "TN",
    # No McIntosh County in Texas. Oklahoma's McIntosh County Sheriff's Office has a Task Force agreement
    # (the model requested) on ICE's participating list from 2026-02-11, the day after this pending row.
    ("pending", "texas", "mcintosh county sheriffs office"): "OK",
}

# --- COUNTY column -------------------------------------------------------------------------------------
# ICE's county mistakes: (state code, folded text) -> county name. Anything else is folded and matched
# exactly. Nothing is matched by a near spelling automatically: two of the 22 near spellings in the lists
# of 2025-2026 pointed at the wrong county ('North County' in Missouri is a police cooperative, not Worth
# County; an Oklahoma row for the Wichita County Sheriff's Office is not Washita County).
COUNTY_CORRECTIONS = {
    ("TX", "fall county"): "Falls County",  # Marlin PD; Falls is misspelled
    ("TX", "fall"): "Falls County",
    ("TX", "guadalupe conty"): "Guadalupe County",
    # Typing slips, each confirmed by the agency's own name (a sheriff's office names its county) or by
    # the shipped HUD ZIP-county file (fixtures/zip/): the agency's city has ZIP codes in that county.
    ("TX", "lampass county"): "Lampasas County",  # Lampasas County Sheriff's Office
    ("TX", "palmer county"): "Parmer County",  # Parmer County Sheriff's Office
    ("TX", "somervill"): "Somervell County",  # Somervell County Sheriff's Office
    ("TX", "dimmit couny"): "Dimmit County",  # Dimmit County Sheriff's Office (pending list, Dec. 2025)
    ("AL", "frankin county"): "Franklin County",  # Franklin County Sheriff's Office
    ("AR", "layafette county"): "Lafayette County",  # Lafayette County Sheriff's Office
    ("AR", "pulaksi county"): "Pulaski County",  # Arkansas Department of Corrections (statewide anyway)
    ("FL", "flager county"): "Flagler County",  # Bunnell PD; Bunnell's ZIP codes are in Flagler
    ("FL", "flagere county"): "Flagler County",  # the same
    ("FL", "st luice county"): "St. Lucie County",  # Port Saint Lucie PD; ZIP codes in St. Lucie
    ("IN", "stueben county"): "Steuben County",  # Angola PD; Angola's ZIP codes reach Steuben
    ("KS", "lyons county"): "Lyon County",  # Lyon County Sheriff's Office
    ("KY", "whitely county"): "Whitley County",  # Williamsburg PD; Williamsburg's ZIP codes reach Whitley
    ("LA", "arcadia county"): "Acadia Parish",  # Morse PD; Morse's ZIP code 70559 is in Acadia Parish
    ("LA", "calacasieu parish"): "Calcasieu Parish",  # Calcasieu Parish Sheriff's Office
    ("MI", "berrian county"): "Berrien County",  # Berrien County Sheriff's Office
    # Freeborn County Sheriff's Office: ICE first wrote 'Freedom County Sheriff's Office' in 'Freedom
    # County' (no such county in Minnesota) on two lists of March 2025, then Freeborn, with the same
    # Warrant Service Officer agreement, from the next list on.
    ("MN", "freedom county"): "Freeborn County",
    ("OK", "bryant county"): "Bryan County",  # Bokchito PD; Bokchito's ZIP code 74726 is in Bryan County
    ("PA", "alleghany county"): "Allegheny County",  # Monroeville and Robinson Township agencies
    ("PA", "miffin county"): "Mifflin County",  # Lewistown constable; Lewistown's ZIP codes are in Mifflin
    ("SC", "lexignton county"): "Lexington County",  # Batesburg-Leesville PD; ZIP codes reach Lexington
    ("SC", "mccorkmick county"): "McCormick County",  # McCormick County Sheriff's Office
}

# --- Names ---------------------------------------------------------------------------------------------
# The same agency under two names, where no rule of identity.py can tell: (state code, earlier name
# folded, later name folded). Both names are for the same model and county, and never on the same list.
RENAMES = [
    # (Wyoming's 'Highway State Patrol' / 'State Highway Patrol', once here, is the same words in another
    # order: identity.loose_name joins it.)
    # Tennessee: 'Tennessee Department of Safety and Homeland Security / THP' on the lists of 2025-05-16 to
    # 2025-05-23, then without '/ THP' from 2025-05-28 on: Task Force, signed 2025-05-13 on both names.
    ("TN", "department of safety and homeland security thp", "department of safety and homeland security"),
    # Tennessee: 'Tennessee State Constable 4th District' (Polk County) on the lists of 2025-11-04 to
    # 2025-11-14, then 'Polk County Constable District 4' from 2025-11-18 on: Task Force, signed 2025-11-04
    # on both names; the later row's agreement file is TennesseeStateConstable4thDistrictPolkCoTN_TFM_MOA.
    ("TN", "state constable 4th district", "polk county constable district 4"),
    # North Carolina: 'Brookfield Police Department' (Catawba County) on the list of 2025-09-09, then
    # 'Brookford Police Department' (Catawba County) from 2025-09-15 on: Task Force, signed 2025-09-09 on
    # both names; the later row's agreement file is BrookfordPoliceDeptNC_TFM_MOA_09092025.
    ("NC", "brookfield police department", "brookford police department"),
]

# --- Agencies that work in part of a state, and colleges -----------------------------------------------
# ICE types some agencies "State Agency" that serve a part of the state only (a judicial district's task
# force, a circuit's State Attorney, a state college), and lists colleges' police departments whose
# names name no city. Each is placed from what the agency's own name or ICE's COUNTY cell says, and nothing
# else: (state code, the name as ICE writes it) -> one of
#   (ICE_COUNTY,)                 the county ICE's COUNTY cell names (the agency may serve more);
#   ("counties", name, ...)       the counties its name names;
#   (CITY, city)                  the city its name names (a campus, an airport), placed as that city's
#                                 police department is;
#   (UNKNOWN, reason, why)        where it works is in neither: it stays unplaced, with the reason.
# An agency typed "State Agency" that is not here covers its whole state (Agency.statewide).
ICE_COUNTY, CITY, UNKNOWN = "ice-county", "city", "unknown"
_CIRCUIT = "a judicial circuit's State Attorney; which counties the circuit covers is not in the data shipped"
_NO_CAMPUS = "a college or university; its name does not say its campus city, and no campus list is shipped"
REGIONAL = {
    # Arkansas: ICE types the 16th Judicial District's drug task force "State Agency"; its COUNTY cell says
    # Independence County (the district's other counties are not in the data shipped).
    ("AR", "16th Judicial Distric Drug Task Force"): (ICE_COUNTY,),
    # Florida: two of the twenty State Attorneys, each of one judicial circuit. ICE's COUNTY cell names Lee
    # County for the 20th; it gives none (#NA) for the Sixth.
    ("FL", "Office of the State Attorney, 20th Judicial Circuit"): (ICE_COUNTY,),
    ("FL", "Office of the State Attorney Sixth Judicial Circuit"): (UNKNOWN, _CIRCUIT, "regional"),
    # Florida's state colleges and universities (ICE: "State Agency" or "Municipality").
    # Pensacola State College: ICE's COUNTY cell, Escambia County (where every ZIP code named Pensacola is).
    ("FL", "District Board of Trustees of Pensacola State College"): (ICE_COUNTY,),
    # Names that say the city: Florida State College at Jacksonville; Tallahassee State College.
    ("FL", "Florida State College at Jacksonville Police Department"): (CITY, "Jacksonville"),
    ("FL", "Tallahassee State College Police Department"): (CITY, "Tallahassee"),
    # Names that do not.
    ("FL", "Florida A&M University Board of Trustees"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "Florida Gulf Coast University Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "Florida International University Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "Florida Polytechnic University Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "Florida Southwestern State College Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "New College of Florida Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "Northwest Florida State College Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "University of Central Florida Board of Trustees"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "University of Florida Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "University of North Florida Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "University of West Florida Board of Trustees"): (UNKNOWN, _NO_CAMPUS, "campus"),
    ("FL", "University of West Florida Police Department"): (UNKNOWN, _NO_CAMPUS, "campus"),
    # Airports' police: the name says the city (Melbourne; Sanford), or the two counties whose airport
    # authority it is (the Sarasota Manatee Airport Authority: Manatee is the name of a county only).
    ("FL", "Melbourne International Airport Police Department"): (CITY, "Melbourne"),
    ("FL", "Sanford Airport Police Department"): (CITY, "Sanford"),
    ("FL", "Sarasota Manatee Airport Authority Police Department"): (
        "counties", "Sarasota County", "Manatee County",
    ),
    # A city ICE names short: 'Sunny Isles' is the city of Sunny Isles Beach (GeoNames, geonameid 4174383,
    # lists "Sunny Isles" among its names; no other place in Florida has that name).
    ("FL", "Sunny Isles Police Department"): (CITY, "Sunny Isles Beach"),
    # Maryland: ICE once typed the Wicomico County Corrections Center "State": the county is in its name.
    ("MD", "Wicomico County Corrections Center"): ("counties", "Wicomico County"),
    # Michigan: ICE once typed Center Line's Division of Public Safety "State"; COUNTY: Macomb County.
    ("MI", "Center Line Division of Public Safety and Security"): (ICE_COUNTY,),
    # Virginia's regional jails: one names its three counties; the other names none.
    ("VA", "Rappahannock, Shenandoah, Warren Regional Jail Authority"): (
        "counties", "Rappahannock County", "Shenandoah County", "Warren County",
    ),
    ("VA", "Southwest Virginia Regional Jail Authority"): (
        UNKNOWN, "a regional jail; its name names no county", "regional",
    ),
}  # fmt: skip
