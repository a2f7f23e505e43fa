"""The one table of given-name variants: which first names may be the same name, as pure lookups.

Agencies write the name a child gave them: a school has "Rebecca", the police "Becky", a youth worker
"Bex". Person search, search before create and record linkage all ask this module whether two first
names may be one name, so they can never disagree about it.

The table is the ``nicknames`` data set (Apache-2.0, hand-curated from genealogy sources) plus the forms
used in England that it lacks (``ENGLISH_FORMS``: "Gaz" for Gary, "Kez" for Kerry, "Sandy" for
Alexander...), less the pairs it joins that are two different names here (``DIFFERENT_NAMES``).

Two names are the same name when they are equal, when one is a short form of the other, or when both are
short forms of one full name ("Becky" and "Bex"). Sharing a short form does not make two full names one
("Alex" is Alexander and Alexandra, who may be twins), and one short form of a short form is not followed
further, so a noisy entry cannot chain two different names together.

Every name here is normalised: lower case, letters only (see ``names.name_tokens``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from nicknames import name_triplets

# Full name -> short forms used in England. Kept in this order: the synthetic world picks from it.
ENGLISH_FORMS: dict[str, tuple[str, ...]] = {
    "abigail": ("abi", "abby", "abbie"),
    "alexander": ("alex", "xander", "sandy", "al", "alec"),
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
    "isabella": ("bella", "izzy", "issy"),
    "isabelle": ("bella", "izzy", "issy"),
    "jacob": ("jake", "jay"),
    "james": ("jim", "jimmy", "jamie", "jay", "jem"),
    "jason": ("jay",),
    "jayden": ("jay",),
    "jamal": ("jay",),
    "jennifer": ("jen", "jenny", "jenna"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny"),
    "joseph": ("joe", "joey", "jo"),
    "josephine": ("jo", "josie", "jojo"),
    "joshua": ("josh",),
    "katherine": ("kath", "kathy", "kate", "katie", "kat", "kay"),
    "kayleigh": ("kay",),
    "kimberley": ("kim", "kimmy"),
    "lawrence": ("laurie", "larry"),
    "leonard": ("leo", "len", "lenny"),
    "lewis": ("lew",),
    "louise": ("lou", "lulu"),
    "madison": ("maddie", "maddy"),
    "margaret": ("maggie", "meg", "peggy", "maisie"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "micky", "mick"),
    "mohammed": ("mo", "moe"),
    "muhammad": ("mo", "moe"),
    "nathan": ("nate", "nat"),
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
    "sophie": ("soph",),
    "stephanie": ("steph", "stevie"),
    "stephen": ("steve", "stevie", "ste"),
    "steven": ("steve", "stevie", "ste"),
    "susan": ("sue", "suzy", "susie"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vikki", "tori", "vic"),
    "william": ("will", "willy", "bill", "billy", "liam"),
    "zachary": ("zach", "zac", "zack", "zak"),
    # The forms a youth worker or a police officer in South Yorkshire hears every day.
    "albert": ("bert", "bertie", "al"),
    "barry": ("baz",),
    "bradley": ("brad",),
    "callum": ("cal",),
    "caroline": ("caz", "carrie"),
    "charlene": ("char",),
    "connor": ("con",),
    "darren": ("daz",),
    "dominic": ("dom",),
    "gary": ("gaz",),
    "gemma": ("gem",),
    "herbert": ("bert", "herb"),
    "jeremy": ("jez",),
    "joanne": ("jo",),
    "karen": ("kaz",),
    "kerry": ("kez",),
    "kevin": ("kev",),
    "kieran": ("kez",),
    "lydia": ("lyds",),
    "mary": ("molly", "polly"),
    "michelle": ("shell", "chelle", "shelley"),
    "natasha": ("tash", "tasha"),
    "sarah": ("sez", "saz"),
    "sharon": ("shaz",),
    "cheryl": ("chez",),
    "stuart": ("stu",),
    "terence": ("tel", "tez", "terry"),
    "trevor": ("trev",),
    "derek": ("del",),
    "beverley": ("bev",),
    "kelly": ("kel",),
}

# Pairs the data set joins (full name, short form) that are different names in England: two names each
# given in their own right (often one a boy's and one a girl's, so a brother and sister), or a name and
# its form in another language. Linking them would let twins or siblings pass for one person.
DIFFERENT_NAMES: frozenset[tuple[str, str]] = frozenset(
    {
        # A boy's name and a girl's name.
        ("aaron", "erin"), ("andrea", "andrew"), ("edwina", "edwin"), ("frederica", "frederick"),
        ("wilma", "william"), ("emil", "emily"), ("louis", "louise"), ("clarence", "clare"),
        ("georgine", "george"), ("earnest", "ernestine"), ("ernestine", "ernest"), ("justin", "justina"),
        ("lucia", "lucius"), ("clementine", "clement"), ("paul", "polly"), ("anselm", "selma"),
        ("selma", "anselm"), ("junior", "june"), ("june", "junius"), ("nicole", "cole"),
        ("nicholette", "cole"), ("laurinda", "lawrence"), ("alexandria", "alexander"),
        # Two names, each given in its own right.
        ("amelia", "emily"), ("emily", "emma"), ("patrick", "peter"), ("benjamin", "jamie"),
        ("jamey", "james"), ("susan", "hannah"), ("susannah", "hannah"), ("joanna", "hannah"),
        ("johannah", "hannah"), ("hannah", "anna"), ("savannah", "anna"), ("bryanna", "anna"),
        ("annette", "anna"), ("stephanie", "annie"), ("leanne", "annie"), ("nancy", "ann"),
        ("antoinette", "ann"), ("antonia", "ann"), ("christiana", "ann"), ("deanne", "ann"),
        ("roxanna", "ann"), ("roxanne", "ann"), ("virginia", "jane"), ("jane", "jean"), ("jean", "jane"),
        ("jeanne", "jane"), ("jane", "jessie"), ("janet", "jessie"), ("jeanette", "jessie"),
        ("jennet", "jessie"), ("eileen", "helen"), ("elaine", "helen"), ("elena", "helen"),
        ("ellen", "helen"), ("helen", "ellen"), ("helena", "eleanor"), ("helena", "elaine"),
        ("helena", "eileen"), ("helena", "aileen"), ("helena", "ellen"), ("helene", "ellen"),
        ("eleanor", "elaine"), ("eleanor", "ellen"), ("lena", "ellen"), ("alice", "elsie"),
        ("alicia", "elsie"), ("alice", "lisa"), ("alicia", "lisa"), ("louise", "eliza"),
        ("louisa", "eliza"), ("louise", "lois"), ("louisa", "lois"), ("eloise", "louise"),
        ("elouise", "louise"), ("casper", "jasper"), ("jasper", "casper"), ("amos", "moses"),
        ("moses", "amos"), ("gretchen", "margaret"), ("margarita", "megan"), ("robert", "rupert"),
        ("mariah", "mary"), ("marie", "mary"), ("mary", "marie"), ("marilyn", "mary"),
        ("marion", "mary"), ("marsha", "mary"), ("maureen", "mary"), ("rosemary", "mary"),
        ("rosemary", "marie"), ("mitzi", "mary"), ("orlando", "roland"), ("roland", "orlando"),
        ("lucas", "luke"), ("luke", "lucas"), ("luther", "luke"), ("derrick", "eric"),
        ("frederick", "derick"), ("alexandra", "sandra"), ("alexandria", "sandra"),
        ("cassandra", "sandra"), ("kenneth", "kendrick"), ("kent", "kendrick"), ("jonathan", "nathan"),
        ("johnathan", "nathan"), ("claire", "clara"), ("clare", "clara"), ("clarissa", "clara"),
        ("clara", "clarissa"), ("adelbert", "albert"), ("elbert", "albert"),
        ("adaline", "lena"), ("adeline", "lena"), ("aileen", "lena"), ("arlene", "lena"),
        ("catherine", "lena"), ("cathleen", "lena"), ("darlene", "lena"), ("evaline", "lena"),
        ("helen", "lena"), ("helene", "lena"), ("katherine", "lena"), ("kathleen", "lena"),
        ("madeline", "lena"), ("emeline", "emma"), ("roseann", "ann"), ("roseanna", "ann"),
        ("roseanne", "ann"), ("rosaenn", "ann"), ("rosaenna", "ann"), ("rosabella", "bella"),
        ("rosalinda", "linda"), ("rosalyn", "linda"), ("chick", "caroline"), ("chick", "charlotte"),
        ("ellender", "helen"), ("garrett", "jerry"), ("jessie", "jane"), ("jessie", "janet"),
        ("jeanette", "jean"), ("marietta", "marie"), ("marietta", "mary"), ("marietta", "mariah"),
        ("marietta", "maureen"), ("marietta", "marion"), ("wilhelmina", "willie"),
        # A name and its form in another language.
        ("ian", "john"), ("john", "ian"), ("ivan", "john"), ("johann", "john"), ("johannes", "john"),
        ("miguel", "michael"), ("agnes", "inez"), ("inez", "agnes"),
        # John is not short for Jonathan in England: they are two names.
        ("jonathan", "john"), ("johnathan", "john"), ("johnathon", "john"), ("jonathon", "john"),
        ("johannes", "jonathan"),
    }
)  # fmt: skip

_NOT_LETTER = re.compile(r"[^a-z]")


def _pairs() -> set[tuple[str, str]]:
    """(full name, short form) pairs: the data set's, less different names and reversed duplicates, plus ours."""
    pairs = {
        (_NOT_LETTER.sub("", name), _NOT_LETTER.sub("", nickname))
        for name, relationship, nickname in name_triplets()
        if relationship == "has_nickname"
    }
    pairs = {(full, short) for full, short in pairs if full and short and full != short}
    pairs -= DIFFERENT_NAMES
    # The data set often lists a pair both ways ("bill" has the nickname "william"); keep the longer name
    # as the full name, or "Bill" would join Robert and William, who both have it as a short form.
    pairs = {
        (full, short) for full, short in pairs if not ((short, full) in pairs and len(short) > len(full))
    }
    pairs |= {(full, short) for full, shorts in ENGLISH_FORMS.items() for short in shorts}
    return pairs


@cache
def short_forms() -> dict[str, frozenset[str]]:
    """Full name -> every short form the table knows for it."""
    table: dict[str, set[str]] = {}
    for full, short in _pairs():
        table.setdefault(full, set()).add(short)
    return {full: frozenset(shorts) for full, shorts in table.items()}


@cache
def _full_names_by_name() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for full, shorts in short_forms().items():
        index.setdefault(full, set()).add(full)
        for short in shorts:
            index.setdefault(short, set()).add(full)
    return {name: frozenset(fulls) for name, fulls in index.items()}


def full_names_for(name: str) -> frozenset[str]:
    """The full names a given name may stand for: itself if it is a full name, and each name it shortens.

    Names the table does not know give an empty set.
    """
    return _full_names_by_name().get(name, frozenset())


def forms_of(name: str) -> frozenset[str]:
    """The name and every full name it may stand for. Two names are one name exactly when these overlap.

    This is the linkage feature ``given_forms``: the model compares the two records' sets.
    """
    return full_names_for(name) | {name} if name else frozenset()


def shared_full_name(a: str, b: str) -> str | None:
    """The full name two different given names are both forms of (or one of them is), else None."""
    if a == b:
        return None
    shared = full_names_for(a) & full_names_for(b)
    return min(shared) if shared else None


def same_given_name(a: str, b: str) -> bool:
    """Whether two given names may be one name: equal, or forms of one full name."""
    return bool(a) and (a == b or shared_full_name(a, b) is not None)


def everyday_short_forms(full_name: str) -> tuple[str, ...]:
    """The short forms of a full name heard in England, in a fixed order (for the synthetic world's errors)."""
    return ENGLISH_FORMS.get(full_name, ())


def variant_pairs() -> Iterator[tuple[str, str]]:
    """Every (full name, short form) pair in the table, in a fixed order."""
    for full in sorted(short_forms()):
        for short in sorted(short_forms()[full]):
            yield full, short
