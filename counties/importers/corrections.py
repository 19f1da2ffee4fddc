"""Hand-checked corrections of ICE's lists: data, one record a line, each with what confirms it.

Nothing here is a guess: every record was checked against the evidence named in its comment (the agency's
own name, the other rows of ICE's lists, the shipped HUD ZIP-county and Census place files, or a public
page quoted and linked, SOURCED). The rules
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

# One agreement's rows under another agency's name: for a few lists ICE wrote an agreement under the name
# of another agency of the same place, then under its own, while the first name went on for an agreement
# of its own. (agency key of the name ICE wrote, model, SIGNED as ISO date) -> the agency's own name. Each
# checked against every list that has the rows and against the agreement's file.
ROW_AGENCY = {
    # Texas, Task Force, signed 2026-04-05: on the lists of 2026-04-13 to 2026-04-30 as "Parker County
    # District Attorney's Office"; from 2026-05-01 the row signed 2026-04-05 is "Parker County (County)
    # Attorney's Office" (its agreement file, linked from 2026-05-07, is
    # ParkerCoAttorneysOfficeTX_TFM_MOA_04052026.pdf), and a new District Attorney's row is signed
    # 2026-04-30. Read by name alone, the District Attorney's agreement would be "listed on 2026-04-13,
    # before it was signed", its date "corrected" by ICE, and the County Attorney's listed only from May.
    ("tx:parker county district attorneys office", "task-force", "2026-04-05"): (
        "Parker County (County) Attorney's Office"
    ),
}

# --- Agencies that work in part of a state, and colleges -----------------------------------------------
# ICE types some agencies "State Agency" that serve a part of the state only (a judicial district's task
# force, a circuit's State Attorney, a state college), and lists colleges' police departments whose
# names name no city. Each is placed from what the agency's own name or ICE's COUNTY cell says, and nothing
# else: (state code, the name as ICE writes it) -> one of
#   (ICE_COUNTY,)                 the county ICE's COUNTY cell names (the agency may serve more);
#   ("counties", name, ...)       the counties its name names;
#   (CITY, city)                  the city its name names (a campus, an airport), placed as that city's
#                                 police department is;
#   (SOURCED, how, url, county, ...)  neither says, but a public page does (issue 26): `how` is CAMPUS (a
#                                 college's main campus, first, then its other campuses' counties), TOWN
#                                 (the county of the town or townships a police or constable serves) or
#                                 SERVES (the counties a circuit or a regional body serves); `url` is the
#                                 page, also in fixtures/SOURCES.md and linked on the county page;
#   (UNKNOWN, reason, why)        where it works is in neither: it stays unplaced, with the reason.
# An agency typed "State Agency" that is not here covers its whole state (Agency.statewide).
ICE_COUNTY, CITY, UNKNOWN, SOURCED = "ice-county", "city", "unknown", "sourced"
CAMPUS, TOWN, SERVES = "campus", "town", "serves"
REGIONAL = {
    # Arkansas: ICE types the 16th Judicial District's drug task force "State Agency"; its COUNTY cell says
    # Independence County (the district's other counties are not in the data shipped).
    ("AR", "16th Judicial Distric Drug Task Force"): (ICE_COUNTY,),
    # Florida: two of the twenty State Attorneys, each of one judicial circuit. ICE's COUNTY cell names Lee
    # County for the 20th; it gives none (#NA) for the Sixth.
    ("FL", "Office of the State Attorney, 20th Judicial Circuit"): (ICE_COUNTY,),
    # The Sixth: "The Sixth Judicial Circuit is comprised of Pinellas and Pasco counties" (its own site).
    ("FL", "Office of the State Attorney Sixth Judicial Circuit"): (
        SOURCED, SERVES, "https://www.flsa6.gov/about/overview/index", "Pasco County", "Pinellas County",
    ),
    # Florida's state colleges and universities (ICE: "State Agency" or "Municipality").
    # Pensacola State College: ICE's COUNTY cell, Escambia County (where every ZIP code named Pensacola is).
    ("FL", "District Board of Trustees of Pensacola State College"): (ICE_COUNTY,),
    # Names that say the city: Florida State College at Jacksonville; Tallahassee State College.
    ("FL", "Florida State College at Jacksonville Police Department"): (CITY, "Jacksonville"),
    ("FL", "Tallahassee State College Police Department"): (CITY, "Tallahassee"),
    # Names that do not: the county of the main campus (first) and of the other campuses a public page
    # names, each page quoted.
    # Leon County: "Tallahassee is home to … Florida State University and Florida A&M University";
    # Tallahassee is "the county seat and only incorporated municipality in Leon County".
    ("FL", "Florida A&M University Board of Trustees"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/Leon_County,_Florida", "Leon County",
    ),
    # "a public university in Lee County, Florida".
    ("FL", "Florida Gulf Coast University Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/Florida_Gulf_Coast_University", "Lee County",
    ),
    # University Park "is located in an unincorporated area of western Miami-Dade County… It encompasses
    # the Modesto A. Maidique Campus" (the Biscayne Bay campus, in North Miami, is in Miami-Dade too).
    ("FL", "Florida International University Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/University_Park,_Florida", "Miami-Dade County",
    ),
    # "public university in Lakeland, Florida"; "Lakeland is a city in Polk County, Florida".
    ("FL", "Florida Polytechnic University Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/Florida_Polytechnic_University", "Polk County",
    ),
    # (as Edison State College) "main campus in Fort Myers in Lee County, satellite campuses in Charlotte
    # and Collier counties".
    ("FL", "Florida Southwestern State College Police Department"): (
        SOURCED, CAMPUS, "http://piglix.com/piglix/Edison_State_College",
        "Lee County", "Charlotte County", "Collier County",
    ),
    # "USF is located in Manatee County, and New College of Florida is located in Sarasota County" (its
    # main campus; a parcel north of it, in Manatee, was added in 2024).
    ("FL", "New College of Florida Police Department"): (
        SOURCED, CAMPUS, "https://wslr.org/manatee-county-offers-land-to-new-college", "Sarasota County",
    ),
    # "main campus in Niceville… operates multiple campuses across Okaloosa and Walton counties".
    ("FL", "Northwest Florida State College Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/Northwest_Florida_State_College",
        "Okaloosa County", "Walton County",
    ),
    # "main campus in unincorporated Orange County, Florida".
    ("FL", "University of Central Florida Board of Trustees"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/University_of_Central_Florida", "Orange County",
    ),
    # Alachua County: "The county seat is Gainesville, the home of the University of Florida since 1906".
    ("FL", "University of Florida Police Department"): (
        SOURCED, CAMPUS, "https://db0nus869y26v.cloudfront.net/en/Alachua_County,_Florida", "Alachua County",
    ),
    # "public research university in Jacksonville" (consolidated with Duval County in 1968).
    ("FL", "University of North Florida Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/University_of_North_Florida", "Duval County",
    ),
    # "authorized the State Board of Education to locate a state university in Escambia County".
    ("FL", "University of West Florida Board of Trustees"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/University_of_West_Florida", "Escambia County",
    ),
    ("FL", "University of West Florida Police Department"): (
        SOURCED, CAMPUS, "https://en.wikipedia.org/wiki/University_of_West_Florida", "Escambia County",
    ),
    # Towns no ZIP code or GeoNames place (500 people or more) names: "Indian Creek is a village, gated
    # community, and man-made barrier island in Miami-Dade County"; "Jupiter Inlet Colony, Florida, in Palm
    # Beach county" (the town's own site; the Town of Jupiter Island nearby is in Martin County).
    ("FL", "Indian Creek Village Department of Public Safety"): (
        SOURCED, TOWN, "https://en.wikipedia.org/wiki/Indian_Creek,_Florida", "Miami-Dade County",
    ),
    ("FL", "Jupiter Inlet Colony Police Department"): (
        SOURCED, TOWN, "http://jupiterinletcolony.org/Home_Page.html", "Palm Beach County",
    ),
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
    # "the jail authority includes Buchanan, Dickenson, Lee, Russell, Scott, Smyth, Tazewell, Washington
    # and Wise counties and the city of Norton" (Bristol Herald Courier; a 2021 article lists the same ten;
    # whether the city of Bristol joined later is not in it).
    ("VA", "Southwest Virginia Regional Jail Authority"): (
        SOURCED, SERVES,
        "https://heraldcourier.com/news/local/bristol-virginia-city-council-to-vote-on-regional-jail-request/"
        "article_70e2ea04-55f7-5aca-8065-c623c8c3174b.html",
        "Buchanan County", "Dickenson County", "Lee County", "Russell County", "Scott County", "Smyth County",
        "Tazewell County", "Washington County", "Wise County", "Norton city",
    ),
    # New Hampshire: ICE's 'Pittsburgh Police Department' is the town of Pittsburg's: "Pittsburg Police
    # Department and Colebrook Police Department have all been approved for 287(g) agreements with ICE"
    # (Concord Monitor); no place in New Hampshire is named Pittsburgh; "Pittsburg is a town in Coös
    # County, New Hampshire" (GeoNames agrees: geonameid 5091247).
    ("NH", "Pittsburgh Police Department"): (
        SOURCED, TOWN, "https://articles.concordmonitor.com/Police-departments-in-NH-work-with-ICE-59847741",
        "Coos County",
    ),
    # Pennsylvania's townships and a regional police department, which no ZIP code or GeoNames place names.
    # "Damascus is a second-class township in Wayne County, Pennsylvania"; "Preston is a second-class
    # township in Wayne County, Pennsylvania"; "New Sewickley Township is a township in Beaver County,
    # Pennsylvania"; "the Township of Sewickley, County of Westmoreland" (the township's own site; Beaver
    # County's old Sewickley Township ceased to exist in 1801, and Allegheny's Sewickley is a borough);
    # "West Donegal Township and Mount Joy Township regionalized forming the Northwest Lancaster County
    # Regional Police" (its own site, nwrpd.org).
    ("PA", "Damascus Township Constable"): (
        SOURCED, TOWN, "https://en.wikipedia.org/wiki/Damascus_Township,_Wayne_County,_Pennsylvania",
        "Wayne County",
    ),
    ("PA", "Preston Township Constable's Office"): (
        SOURCED, TOWN, "https://en.wikipedia.org/wiki/Preston_Township,_Pennsylvania", "Wayne County",
    ),
    ("PA", "New Sewickley Township Police Department"): (
        SOURCED, TOWN, "https://wikimili.com/en/New_Sewickley_Township,_Pennsylvania", "Beaver County",
    ),
    ("PA", "Sewickley Township Constable's Office"): (
        SOURCED, TOWN, "https://www.sewickleytownship.org/news-announcements/", "Westmoreland County",
    ),
    ("PA", "Northwest Regional Police Department"): (
        SOURCED, TOWN, "http://nwrpd.org/", "Lancaster County",
    ),
}  # fmt: skip
