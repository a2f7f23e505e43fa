"""Word lists for the synthetic world. Every surname is built from invented syllables or is a common
surname shared by many thousands of people; no entry describes a real person, place or business.

Lists are written as "|"-separated strings so they stay compact.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split("|"))


SURNAME_FIRST = _words(
    "Thorn|Haw|Ash|Brack|Cawth|Dearn|Elm|Fern|Grims|Hallam|Ick|Kirk|Lang|Marsh|Nether|Ough|Pen|"
    "Quarr|Rave|Shaw|Tank|Wath|Wood|Wom|Stain|Brin|Cud|Dods|Eck|Gleed|Hoy|Lox|Mex|Nor|Rock|"
    "Sprot|Thurl|Ulley|Wick|Yarn"
)

SURNAME_LAST = _words(
    "ley|ton|worth|field|by|thorpe|well|ford|ham|don|combe|wick|stone|dale|croft|gate|brook|"
    "bridge|shaw|cliffe|more|wood|hurst|low"
)

STREET_FIRST = _words(
    "Furnace|Cutlers|Pit Head|Canal|Millstone|Forge|Colliery|Crucible|Ironstone|Wharf|Tinsley|"
    "Blast|Anvil|Kiln|Chapel|Orchard|Beck|Moor|Quarry|Spinner|Weavers|Tannery|Coalpit|Engine|"
    "Foundry|Sough|Bessemer|Smelter|Cinder|Slag"
)

STREET_LAST = _words("Lane|Row|Road|Walk|Close|Street|View|Avenue|Court|Grove|Way|Terrace")

PLACE_NAMES = {
    "hotel": _words("Station Lodge|Parkway Inn|Riverside Rooms|Crown Budget Hotel|Motorway Stop Inn"),
    "takeaway": _words("Pizza Point|Golden Grill|Chicken Stop|Kebab Corner|Late Bite"),
    "taxi_firm": _words("Citywide Cars|Star Taxis|A1 Private Hire|Blue Line Cabs|Night Owl Cars"),
    "park": _words("Recreation Ground|Memorial Park|Canal Towpath|Old Pit Park|Riverside Park"),
    "shop": _words("Corner Stores|Vape Hub|Mini Mart|Phone Fix|Off Licence"),
    "school": _words("Academy|High School|College|Community School|Pupil Referral Unit"),
    "childrens_home": _words("House|Lodge|Cottage"),
}

# Postcode districts per district code: real outward codes, invented inward codes and streets.
POSTCODE_AREAS = {
    "barnsley": _words("S70|S71|S72|S73|S74|S75"),
    "doncaster": _words("DN1|DN2|DN3|DN4|DN5|DN6|DN11|DN12"),
    "rotherham": _words("S60|S61|S62|S63|S65|S66"),
    "sheffield": _words("S1|S2|S3|S5|S6|S7|S8|S9|S10|S11|S12|S13|S14|S35"),
}

# The registration area letters of each district's local DVLA office region.
PLATE_AREAS = {
    "barnsley": "YA",
    "doncaster": "YB",
    "rotherham": "YC",
    "sheffield": "YK",
}

VEHICLES = tuple(
    tuple(pair.split("/"))
    for pair in _words(
        "Vauxhall/Corsa|Ford/Fiesta|BMW/3 Series|Audi/A3|Volkswagen/Golf|Mercedes-Benz/C-Class|Toyota/Prius|Skoda/Octavia|Nissan/Qashqai|Seat/Leon"
    )
)

COLOURS = _words("Black|Silver|White|Grey|Blue|Red")

PLATFORMS = _words("Snapchat|Instagram|TikTok|WhatsApp|Facebook")

HANDLE_WORDS = _words(
    "wolf|blaze|storm|shadow|king|queen|angel|ghost|vibes|drip|smoke|rider|star|babe|boss|real|"
    "official|xo|lil|big"
)

STREET_NAMES_FOR_ALIASES = _words("Little|Big|Baby|Lady|Mad|Young")

DISABILITIES = _words(
    "Learning disability|Autism|ADHD|Hearing impairment|Mental health condition|Physical disability"
)

# Given names by naming tradition, common in England. Full forms come first so nickname errors can apply.
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "english": {
        "female": _words(
            "Amelia|Olivia|Isla|Ava|Mia|Ivy|Lily|Freya|Florence|Willow|Rebecca|Jessica|Elizabeth|"
            "Charlotte|Samantha|Victoria|Katherine|Abigail|Georgia|Harriet|Jennifer|Natalie|Stephanie|"
            "Alexandra|Emily|Eleanor|Kayleigh|Chelsea|Courtney|Jade|Shannon|Demi|Paige|Leah|Megan|Chloe|"
            "Bethany|Holly|Ellie|Madison|Nicola|Danielle|Louise|Sophia|Isabella|Margaret|Susan|Deborah|"
            "Kimberley|Josephine|Tia"
        ),
        "male": _words(
            "Oliver|George|Noah|Arthur|Leo|Harry|Oscar|Archie|Jack|Theo|James|Thomas|William|Daniel|"
            "Samuel|Joshua|Benjamin|Matthew|Alexander|Christopher|Michael|Nicholas|Jonathan|Joseph|Edward|"
            "Frederick|Jacob|Anthony|Robert|Richard|Stephen|David|Andrew|Liam|Connor|Kyle|Callum|Bradley|"
            "Reece|Jordan|Tyler|Kieran|Lewis|Jason|Jayden|Patrick|Zachary|Henry|Charles|Timothy"
        ),
    },
    "south_asian": {
        "female": _words(
            "Aisha|Zara|Amira|Hafsa|Maryam|Noor|Sana|Zainab|Ayesha|Fatima|Safiya|Iqra|Mehreen|Nadia|"
            "Samira|Priya|Anjali|Simran|Hana|Inaya"
        ),
        "male": _words(
            "Mohammed|Muhammad|Ibrahim|Yusuf|Adam|Ali|Hamza|Bilal|Imran|Zain|Ayaan|Rehan|Faisal|Tariq|"
            "Arjun|Rohan|Harpreet|Kabir|Sami|Omar"
        ),
    },
    "african_caribbean": {
        "female": _words("Amara|Kemi|Adaeze|Zuri|Nia|Imani|Tanisha|Shanice|Abena|Folake"),
        "male": _words("Kwame|Tunde|Jermaine|Marcus|Kofi|Dwayne|Emeka|Tyrone|Femi|Andre"),
    },
    "central_european": {
        "female": _words("Zuzana|Natalia|Julia|Oliwia|Katarzyna|Denisa|Monika|Elena"),
        "male": _words("Jakub|Lukas|Tomasz|Mateusz|Marek|Filip|Adrian|Pavel"),
    },
}

# Surnames shared by very many families in South Yorkshire's communities.
SURNAMES_BY_TRADITION: dict[str, tuple[str, ...]] = {
    "south_asian": _words(
        "Khan|Hussain|Ahmed|Ali|Iqbal|Akhtar|Mahmood|Shah|Rashid|Malik|Aziz|Butt|Chaudhry|Sharma|"
        "Patel|Singh|Kaur|Begum|Rehman|Yousaf"
    ),
    "african_caribbean": _words("Okafor|Mensah|Adeyemi|Campbell|Brown|Williams|Osei|Clarke|Grant|Nwosu"),
    "central_european": _words(
        "Kowalski|Nowak|Horvath|Novak|Balog|Dvorak|Lakatos|Wisniewski|Kaminski|Sarkozi"
    ),
}
