"""Short forms of given names, as a pure lookup.

Agencies write the name a child gave them: a school has "Rebecca", the police "Becky", a youth worker
"Bex". Search and matching treat a short form and its full name as the same name. The table maps each
full name to the short forms commonly used in England; a short form can belong to several full names
("Alex" is Alexander and Alexandra), so lookups return sets.
"""

from __future__ import annotations

from functools import cache

SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "abigail": ("abi", "abby", "abbie"),
    "alexander": ("alex", "xander", "sandy", "al"),
    "alexandra": ("alex", "lexi", "lexie", "sandy"),
    "alfred": ("alfie", "alf"),
    "amelia": ("millie", "amy", "mia"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "ant"),
    "archibald": ("archie",),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": ("cath", "cathy", "kate", "katie", "kat"),
    "charles": ("charlie", "chas", "chuck"),
    "charlotte": ("charlie", "lottie", "lotte"),
    "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"),
    "danielle": ("dani", "elle"),
    "david": ("dave", "davey"),
    "deborah": ("debbie", "debs", "deb"),
    "edward": ("ed", "eddie", "ted", "teddy"),
    "eleanor": ("ellie", "nell", "nora"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "bess"),
    "ellie-mae": ("ellie",),
    "emily": ("em", "emmy", "millie"),
    "florence": ("flo", "florrie"),
    "frederick": ("fred", "freddie", "freddy"),
    "gabriel": ("gabe",),
    "gabriella": ("gabby", "ella"),
    "georgia": ("georgie",),
    "georgina": ("georgie", "gina"),
    "harrison": ("harry",),
    "harriet": ("hattie", "harri"),
    "henry": ("harry", "hal", "hank"),
    "isabella": ("bella", "izzy", "issy", "isla"),
    "isabelle": ("bella", "izzy", "issy"),
    "jacob": ("jake", "jay"),
    "james": ("jim", "jimmy", "jamie", "jay", "jem"),
    "jason": ("jay",),
    "jayden": ("jay",),
    "jennifer": ("jen", "jenny", "jenna"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny", "nathan"),
    "joseph": ("joe", "joey", "jo"),
    "josephine": ("jo", "josie", "jojo"),
    "joshua": ("josh",),
    "katherine": ("kath", "kathy", "kate", "katie", "kat", "kay"),
    "kimberley": ("kim", "kimmy"),
    "lawrence": ("laurie", "larry"),
    "leonard": ("leo", "len", "lenny"),
    "louise": ("lou", "lulu"),
    "madison": ("maddie", "maddy"),
    "margaret": ("maggie", "meg", "peggy", "maisie"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "micky", "mick"),
    "mohammed": ("mo", "moe", "hamid"),
    "muhammad": ("mo", "moe"),
    "nathaniel": ("nate", "nat", "nathan"),
    "natalie": ("nat", "tally"),
    "nicholas": ("nick", "nicky", "nico"),
    "nicola": ("nicky", "nikki", "nic"),
    "oliver": ("ollie", "olly"),
    "olivia": ("liv", "livvy", "livia"),
    "patrick": ("pat", "paddy"),
    "rebecca": ("becky", "becca", "bex"),
    "richard": ("rich", "richie", "rick", "dick"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy", "sammie"),
    "samuel": ("sam", "sammy"),
    "sebastian": ("seb", "bash"),
    "sophia": ("sophie",),
    "stephanie": ("steph", "stevie"),
    "stephen": ("steve", "stevie"),
    "steven": ("steve", "stevie"),
    "susan": ("sue", "suzy", "susie"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vikki", "tori", "vic"),
    "william": ("will", "willy", "bill", "billy", "liam"),
    "zachary": ("zach", "zac", "zack"),
}


@cache
def _full_names_by_short_form() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for full, shorts in SHORT_FORMS.items():
        index.setdefault(full, set()).add(full)
        for short in shorts:
            index.setdefault(short, set()).add(full)
    return {name: frozenset(fulls) for name, fulls in index.items()}


def full_names_for(name: str) -> frozenset[str]:
    """The full names a given name may stand for: itself if it is a full name, and each name it shortens.

    ``name`` must already be normalised (lower case, no accents). Names the table does not know give
    an empty set.
    """
    return _full_names_by_short_form().get(name, frozenset())


def short_forms_of(full_name: str) -> tuple[str, ...]:
    """Short forms of a normalised full name, for the synthetic world's nickname errors."""
    return SHORT_FORMS.get(full_name, ())


def same_name_by_short_form(a: str, b: str) -> str | None:
    """The full name two given names share when one is a short form of the other (or both are), else None."""
    if a == b:
        return None
    shared = full_names_for(a) & full_names_for(b)
    return min(shared) if shared else None
