"""The files of benchmarks/channels.py: seeded payments written twice, as ISO 20022 pacs.008.001.08
(messages of 50 `CdtTrfTxInf`, each document after a business application header, in one envelope) and
as MT103 (one message per transaction, fields 20, 23B, 32A, 50K, 52A, 56A, 57A, 59, 70, 71A), the same
transactions in both.

    txs, planted = transactions(5000, seed=18, as_of=date(2026, 3, 1), sdn_names=["BANCO NACIONAL DE CUBA"])
    write_pacs008(path, txs); write_mt103(path, txs)

Debtor and creditor: a person of one of the 13 naming cultures of `distinct_names` or a company, with a
postal address in a country under no embargo (a large city there, a street, a postcode), an IBAN
generated with schwifty (DE, FR, NL, GB, ES, IT, BE, CH) or a plain account number elsewhere; agents'
BICs of large banks (those the lists hold are dropped by the caller, `innocent_banks`); remittance text
of invoices, rents, orders and salaries with numbers, dates and references, and a share of everyday
sentences. Settlement dates spread over the four weeks up to the as-of date.

Planted in `PLANT_SHARE` of the transactions (recorded by EndToEndId, the key of both files' items):
an intermediary agent of an Iranian bank (its BIC's country), a creditor in Sevastopol or Simferopol, a
creditor's IBAN from Iran, or a creditor named exactly as a listed SDN organization (`sdn_names`).
"""

from __future__ import annotations

import random
import textwrap
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from distinct_names import AFRICAN_GIVEN, ANGLO_GIVEN, CULTURES, FRENCH_GIVEN, GERMAN_GIVEN, company
from schwifty import IBAN

PLANT_SHARE = 0.04
PER_MESSAGE = 50
PERSON_SHARE = 0.58
INTERMEDIARY_SHARE = 0.25  # innocent transactions routed through a third bank
BANKS = {
    "DE": ["DEUTDEFF", "COBADEFF"], "US": ["CHASUS33", "BOFAUS3N", "CITIUS33", "BKTRUS33"],
    "GB": ["HSBCGB2L", "BARCGB22", "NWBKGB2L", "RBOSGB2L"], "FR": ["BNPAFRPP", "SOGEFRPP"],
    "NL": ["INGBNL2A", "ABNANL2A", "RABONL2U"], "CH": ["UBSWCHZH", "CRESCHZZ"],
    "SG": ["SCBLSGSG", "DBSSSGSG"], "HK": ["HSBCHKHH"], "JP": ["BOTKJPJT", "MHCBJPJT"],
    "AU": ["ANZBAU3M", "NATAAU33"], "IT": ["UNCRITMM", "BCITITMM"], "SE": ["ESSESESS"],
    "FI": ["NDEAFIHH"], "DK": ["DABADKKK"], "ES": ["BBVAESMM", "CAIXESBB"], "BE": ["GEBABEBB"],
}  # fmt: skip
IRAN_BICS = ["BMJIIRTH", "BKMTIRTH", "BSIRIRTH", "SEPBIRTH"]  # Bank Melli, Mellat, Saderat, Sepah
IRAN_BANK_CODES = ["017", "012", "019", "015"]  # the same banks' codes in an Iranian IBAN
CRIMEA = ["Sevastopol", "Simferopol"]
CITIES = {
    "DE": "Berlin|Hamburg|Munich|Frankfurt am Main|Cologne|Stuttgart|Düsseldorf",
    "FR": "Paris|Lyon|Marseille|Toulouse|Lille|Bordeaux", "GB": "London|Manchester|Birmingham|Leeds|Glasgow",
    "NL": "Amsterdam|Rotterdam|The Hague|Utrecht|Eindhoven", "ES": "Madrid|Barcelona|Valencia|Seville|Bilbao",
    "IT": "Milan|Rome|Turin|Naples|Bologna", "BE": "Brussels|Antwerp|Ghent|Liège",
    "CH": "Zurich|Geneva|Basel|Lausanne", "US": "New York|Chicago|Los Angeles|Houston|Miami|Seattle",
    "CA": "Toronto|Montreal|Vancouver", "JP": "Tokyo|Osaka|Yokohama|Nagoya", "SG": "Singapore",
    "HK": "Hong Kong", "AU": "Sydney|Melbourne|Brisbane", "SE": "Stockholm|Gothenburg", "FI": "Helsinki",
    "DK": "Copenhagen|Aarhus", "IN": "Mumbai|Delhi|Bangalore|Chennai", "CN": "Shanghai|Beijing|Shenzhen",
    "KR": "Seoul|Busan", "TR": "Istanbul|Ankara|Izmir", "AE": "Dubai|Abu Dhabi", "BR": "São Paulo|Curitiba",
    "MX": "Mexico City|Guadalajara|Monterrey", "ZA": "Johannesburg|Cape Town", "NG": "Lagos|Abuja",
    "KE": "Nairobi", "PL": "Warsaw|Kraków|Gdańsk", "AT": "Vienna|Graz", "IE": "Dublin|Cork",
    "PT": "Lisbon|Porto",
}  # fmt: skip
IBAN_BANKS = {
    "DE": ["37040044", "10070000", "50010517"], "FR": ["30004", "30003"], "NL": ["ABNA", "INGB", "RABO"],
    "GB": ["NWBK601613", "BARC200000", "HBUK400515"], "ES": ["2100", "0049", "0182"],
    "IT": ["03069", "02008"], "BE": ["539", "001"], "CH": ["00762", "00230"],
}  # fmt: skip
STREETS = """Main Street|High Street|Station Road|Park Avenue|Church Lane|Market Square|Hauptstrasse|
Bahnhofstrasse|Rue de la République|Calle Mayor|Via Roma|Kerkstraat|Harbour Road|King Street|Mill Lane|
Oak Avenue|Business Park|Lindenweg""".replace("\n", "").split("|")
MONTHS = "January February March April May June July August September October November December".split()
INVOICES = [
    "Invoice {n4} for consulting services, PO {n5}", "Rent {month} {year} unit {unit}",
    "/ACC/ salary advance", "Order {n5}, {k} units, thank you", "Inv. {year}-{n4} dated {date}",
    "Salary {month} {year}",
    "Invoice {ref} less credit note {n3}", "Contract {ref} instalment {k} of 12", "Service fee Q{q} {year}",
    "PO {n5} spare parts", "Refund order {n6}", "Membership fee {year}", "Loan repayment {month} ref {ref}",
    "Freight charges B/L {ref}", "Insurance premium policy {n6}", "Tuition fees spring semester {year}",
    "Licence renewal {year}, customer {n6}", "Commission {month} {year}", "Utilities {month}: water, power",
    "Invoices {n4}, {n5} and {n6}", "Deposit for order {n5}", "Maintenance contract {ref}, {month}",
]  # fmt: skip
EVERYDAY = [
    "Thanks for dinner last week", "Birthday present for {first}", "Your share of the holiday cottage",
    "Money for the {thing}, see you soon", "Happy new year from all of us", "Pocket money {month}",
    "Half of the {thing}", "For the school trip", "Flowers for the wedding", "Back for the concert tickets",
    "Car repair as agreed", "Gift for the new baby", "Paid the {thing} for {first}, thanks",
]  # fmt: skip
THINGS = "groceries|taxi|train tickets|garden work|babysitting|piano lessons|football club|hotel".split("|")
GIVEN = ANGLO_GIVEN + GERMAN_GIVEN + FRENCH_GIVEN + AFRICAN_GIVEN


@dataclass
class Party:
    name: str
    person: bool
    country: str
    town: str
    street: str
    postcode: str
    account: str
    org_id: str = ""  # a registration number (OrgId/Othr/Id), or for a person a birth date


@dataclass
class Tx:
    e2e: str
    uetr: str
    day: date
    currency: str
    amount: str  # "1234.56"
    charges: str  # SHAR, DEBT, CRED
    debtor: Party
    creditor: Party
    debtor_agent: str
    creditor_agent: str
    intermediary: str
    remittance: str


def transactions(
    n: int, *, seed: int, as_of: date, sdn_names: list[str], banks: list[str]
) -> tuple[list[Tx], dict[str, tuple[str, str]]]:
    """`n` seeded transactions, and the planted ones: {EndToEndId: (what, value)}, what one of
    intermediary BIC, creditor town, creditor IBAN, creditor name (listed)."""
    r = random.Random(seed)
    txs: list[Tx] = []
    planted: dict[str, tuple[str, str]] = {}
    for i in range(n):
        debtor, creditor = party(r), party(r)
        tx = Tx(
            e2e=f"E2E{i + 1:08d}",
            uetr=str(uuid.UUID(int=r.getrandbits(128), version=4)),
            day=as_of - timedelta(days=r.randrange(28)),
            currency=r.choice(["EUR", "EUR", "USD", "USD", "GBP", "CHF"]),
            amount=f"{r.choice([r.randint(10, 999), r.randint(1000, 99_999)])}.{r.randrange(100):02d}",
            charges=r.choice(["SHAR", "SHAR", "DEBT", "CRED"]),
            debtor=debtor,
            creditor=creditor,
            debtor_agent=_bank(r, debtor.country, banks),
            creditor_agent=_bank(r, creditor.country, banks),
            intermediary=r.choice(banks) if r.random() < INTERMEDIARY_SHARE else "",
            remittance=remittance(r),
        )
        if r.random() < PLANT_SHARE:
            planted[tx.e2e] = plant(r, tx, sdn_names)
        txs.append(tx)
    return txs, planted


def party(r: random.Random) -> Party:
    person = r.random() < PERSON_SHARE
    name = r.choice(CULTURES)(r) if person else company(r)
    if r.random() < 0.1:
        name = name.upper()
    country = r.choice(list(CITIES))
    org_id = ""
    if r.random() < 0.3:
        born = date(1950, 1, 1) + timedelta(days=r.randrange(20_000))
        org_id = born.isoformat() if person else f"REG-{r.randrange(10**7):07d}"
    return Party(
        name=name,
        person=person,
        country=country,
        town=r.choice(CITIES[country].split("|")),
        street=f"{r.choice(STREETS)} {r.randint(1, 240)}",
        postcode=f"{r.randrange(10_000, 99_999)}",
        account=account(r, country),
        org_id=org_id,
    )


def account(r: random.Random, country: str) -> str:
    if country in IBAN_BANKS:
        code = r.choice(IBAN_BANKS[country])
        branch = f"{r.randrange(10_000, 99_999)}" if country == "IT" else ""
        return IBAN.generate(
            country, bank_code=code, account_code=str(r.randrange(10**6, 10**7)), branch_code=branch
        ).compact
    return str(r.randrange(10**8, 10**12))


def iran_iban(r: random.Random) -> str:
    """An Iranian IBAN with valid check digits: IR, 2 digits, 0, a bank's 3 digits, 18 digits."""
    bban = "0" + r.choice(IRAN_BANK_CODES) + f"{r.randrange(10**17, 10**18)}"
    check = 98 - int(bban + "182700") % 97  # I = 18, R = 27
    return IBAN(f"IR{check:02d}{bban}").compact


def remittance(r: random.Random) -> str:
    template = r.choice(EVERYDAY) if r.random() < 0.15 else r.choice(INVOICES)
    day = date(2025, 1, 1) + timedelta(days=r.randrange(420))
    return template.format(
        n3=r.randint(100, 999), n4=r.randint(1000, 9999), n5=r.randint(10_000, 99_999),
        n6=r.randint(100_000, 999_999), k=r.randint(2, 40), q=r.randint(1, 4),
        month=r.choice(MONTHS), year=r.choice([2025, 2026]), unit=f"{r.randint(1, 40)}{r.choice('ABCD')}",
        date=day.isoformat(), ref=f"{r.choice(['INV', 'CT', 'REF', 'SO'])}-{r.randint(100, 99_999)}",
        first=r.choice(GIVEN), thing=r.choice(THINGS),
    )  # fmt: skip


def plant(r: random.Random, tx: Tx, sdn_names: list[str]) -> tuple[str, str]:
    what = r.choice(["intermediary BIC", "creditor town", "creditor IBAN", "creditor name (listed)"])
    c = tx.creditor
    if what == "intermediary BIC":
        tx.intermediary = r.choice(IRAN_BICS)
        return what, tx.intermediary
    if what == "creditor town":
        c.town, c.country, c.account = r.choice(CRIMEA), "UA", str(r.randrange(10**8, 10**12))
        return what, c.town
    if what == "creditor IBAN":
        c.account = iran_iban(r)
        return what, c.account
    c.name, c.person, c.org_id = r.choice(sdn_names), False, ""
    return what, c.name


def _bank(r: random.Random, country: str, banks: list[str]) -> str:
    own = [b for b in BANKS.get(country, ()) if b in banks]
    return r.choice(own or banks)


# ------------------------------------------------------------------------------------------ pacs.008


def write_pacs008(path: Path, txs: list[Tx]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<BizMsgEnvlp>\n')
        for start in range(0, len(txs), PER_MESSAGE):
            f.write(_message(start // PER_MESSAGE + 1, txs[start : start + PER_MESSAGE]))
        f.write("</BizMsgEnvlp>\n")


def _message(number: int, txs: list[Tx]) -> str:
    first = txs[0]
    msg_id = f"MSG-{first.day:%Y%m%d}-{number:05d}"
    head = f"""<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">
  <Fr><FIId><FinInstnId><BICFI>{first.debtor_agent}</BICFI></FinInstnId></FIId></Fr>
  <To><FIId><FinInstnId><BICFI>{first.creditor_agent}</BICFI></FinInstnId></FIId></To>
  <BizMsgIdr>{msg_id}</BizMsgIdr><MsgDefIdr>pacs.008.001.08</MsgDefIdr>
  <CreDt>{first.day}T09:00:00Z</CreDt>
</AppHdr>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{first.day}T09:00:00Z</CreDtTm><NbOfTxs>{len(txs)}</NbOfTxs>
<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>
"""
    return head + "".join(_transaction(tx) for tx in txs) + "</FIToFICstmrCdtTrf></Document>\n"


def _transaction(tx: Tx) -> str:
    parts = [
        f"<PmtId><InstrId>{tx.e2e}</InstrId><EndToEndId>{tx.e2e}</EndToEndId><UETR>{tx.uetr}</UETR></PmtId>",
        f'<IntrBkSttlmAmt Ccy="{tx.currency}">{tx.amount}</IntrBkSttlmAmt>',
        f"<IntrBkSttlmDt>{tx.day}</IntrBkSttlmDt><ChrgBr>{tx.charges}</ChrgBr>",
        f"<InstgAgt>{_agent(tx.debtor_agent)}</InstgAgt>",
        f"<InstdAgt>{_agent(tx.intermediary or tx.creditor_agent)}</InstdAgt>",
        f"<IntrmyAgt1>{_agent(tx.intermediary)}</IntrmyAgt1>" if tx.intermediary else "",
        f"<Dbtr>{_party(tx.debtor)}</Dbtr>{_account('DbtrAcct', tx.debtor.account)}",
        f"<DbtrAgt>{_agent(tx.debtor_agent)}</DbtrAgt><CdtrAgt>{_agent(tx.creditor_agent)}</CdtrAgt>",
        f"<Cdtr>{_party(tx.creditor)}</Cdtr>{_account('CdtrAcct', tx.creditor.account)}",
        f"<RmtInf><Ustrd>{escape(tx.remittance)}</Ustrd></RmtInf>",
    ]
    return "<CdtTrfTxInf>\n" + "\n".join(p for p in parts if p) + "\n</CdtTrfTxInf>\n"


def _agent(bic: str) -> str:
    return f"<FinInstnId><BICFI>{bic}</BICFI></FinInstnId>"


def _party(p: Party) -> str:
    address = (
        f"<PstlAdr><StrtNm>{escape(p.street.rsplit(' ', 1)[0])}</StrtNm><BldgNb>{p.street.rsplit(' ', 1)[1]}"
        f"</BldgNb><PstCd>{p.postcode}</PstCd><TwnNm>{escape(p.town)}</TwnNm><Ctry>{p.country}</Ctry></PstlAdr>"
    )
    ident = ""
    if p.org_id and p.person:
        ident = f"<Id><PrvtId><DtAndPlcOfBirth><BirthDt>{p.org_id}</BirthDt><CityOfBirth>{escape(p.town)}"
        ident += f"</CityOfBirth><CtryOfBirth>{p.country}</CtryOfBirth></DtAndPlcOfBirth></PrvtId></Id>"
    elif p.org_id:
        ident = f"<Id><OrgId><Othr><Id>{p.org_id}</Id></Othr></OrgId></Id>"
    return f"<Nm>{escape(p.name)}</Nm>{address}{ident}"


def _account(tag: str, number: str) -> str:
    inner = f"<IBAN>{number}</IBAN>" if number[:2].isalpha() else f"<Othr><Id>{number}</Id></Othr>"
    return f"<{tag}><Id>{inner}</Id></{tag}>"


# -------------------------------------------------------------------------------------------- MT103

_MT_LETTERS = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "&": " AND "}
MT_CHARGES = {"SHAR": "SHA", "DEBT": "OUR", "CRED": "BEN"}
_MT_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


def mt_text(value: str) -> str:
    """A value in the SWIFT X character set, upper case, as payment systems export it: accents
    dropped, "&" written AND, other signs left out, spaces squeezed."""
    value = "".join(_MT_LETTERS.get(ch, ch) for ch in value)
    bare = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().upper()
    return " ".join("".join(ch for ch in bare if ch in _MT_ALLOWED).split())


def write_mt103(path: Path, txs: list[Tx]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for tx in txs:
            f.write(_mt103(tx))


def _mt103(tx: Tx) -> str:
    amount = tx.amount.replace(".", ",")
    lines = [
        f"{{1:F01{tx.debtor_agent}AXXX0000000000}}{{2:I103{tx.creditor_agent}XXXXN}}"
        f"{{3:{{121:{tx.uetr}}}}}{{4:",
        f":20:{tx.e2e}",
        ":23B:CRED",
        f":32A:{tx.day:%y%m%d}{tx.currency}{amount}",
        *_mt_party("50K", tx.debtor),
        f":52A:{tx.debtor_agent}",
        *([f":56A:{tx.intermediary}"] if tx.intermediary else []),
        f":57A:{tx.creditor_agent}",
        *_mt_party("59", tx.creditor),
        *_mt_lines("70", mt_text(tx.remittance), 4),
        f":71A:{ {'SHAR': 'SHA', 'DEBT': 'OUR', 'CRED': 'BEN'}[tx.charges] }",
        "-}",
    ]
    return "\n".join(lines) + "\n"


def _mt_party(tag: str, p: Party) -> list[str]:
    """/account, then the name, the street and "postcode TOWN CC", each cut to 35 characters."""
    town = f"{p.postcode} {mt_text(p.town)} {p.country}"
    return [f":{tag}:/{p.account}", *(mt_text(v)[:35] for v in (p.name, p.street)), town[:35]]


def _mt_lines(tag: str, text: str, most: int) -> list[str]:
    wrapped = textwrap.wrap(text, 35)[:most] or [""]
    return [f":{tag}:{wrapped[0]}", *wrapped[1:]]
