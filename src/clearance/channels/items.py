"""What a channel's reader hands to screening: items, each the unit a user knows by its own reference
(a payment instruction, a (device, app) pair, a holding), made of typed fields tied to where they
stand in the file; and rejects, the parts of a file that could not be read, with their place and reason.

Readers (`channels.payments`, `channels.apps`, `channels.portfolio`) yield `Item | Reject` in file order
and never raise on a bad part of a file: only a file that cannot be opened at all raises `InputError`.
Screening (`channels.screen`) turns an item into an `ItemResult`. The shapes follow
../shared/CONVENTIONS.md ("Decisions": one record per item, with the item's own references).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Channel(StrEnum):
    """Where an item comes from."""

    PAYMENT = "payment"
    APP = "app"  # one (device, app) pair of a device inventory, or one app of a catalogue
    HOLDING = "holding"  # one line of a portfolio
    TEXT = "text"  # a free-text document


class FieldKind(StrEnum):
    """What a field holds, which decides how it is screened (`channels.screen`).

    Structure (tags, codes, amounts, currencies, dates, references) is never a field: a reader keeps
    it in `Item.refs` or `Item.details`, where nothing screens it."""

    NAME = "name"  # a party's name, person or organization unknown
    PERSON = "person"  # a name the message says is a person's (pacs.008 PrvtId, MT 50F "1/" lines)
    ORGANIZATION = "organization"  # a name the message says is an organization's (OrgId, an agent)
    BIC = "bic"  # a BIC (its 5th and 6th letters are its country)
    IBAN = "iban"  # an IBAN (its first two letters are its country)
    ACCOUNT = "account"  # another account number: kept for the record, not screened
    COUNTRY = "country"  # an ISO 3166 alpha-2 code or a country's name
    TOWN = "town"  # a town or city
    REGION = "region"  # a country subdivision (state, province, oblast)
    ADDRESS = "address"  # an unstructured address line
    TEXT = "text"  # free text: remittance information, instructions, field 70 / 72
    APP_ID = "app_id"  # an Android package or iOS bundle id
    APP_NAME = "app_name"  # an app's display name
    DEVELOPER = "developer"  # an app's developer or publisher
    ISIN = "isin"
    TICKER = "ticker"
    ISSUER = "issuer"  # a security's issuer


@dataclass(frozen=True, slots=True)
class Field:
    """One screened value and where it stands: `path` is an XPath for ISO 20022
    (`/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/Cdtr/Nm`), a field tag for MT103 (`:59:` line 2), a
    column for a CSV (`creditor_name`); `line` is the file's line (1-based) when the reader knows it.
    `role` says whose value it is: debtor, creditor, ultimate_debtor, ultimate_creditor,
    initiating_party, invoicer, invoicee, debtor_agent, creditor_agent, intermediary_agent,
    instructing_agent, instructed_agent, previous_instructing_agent, forwarding_agent,
    reimbursement_agent, charges_agent, ordering_institution, sending_institution,
    senders_correspondent, receivers_correspondent, third_reimbursement_institution, sender,
    receiver, envelope, remittance, remittance_location, instructions, regulatory_reporting, app,
    developer, holding, document; `other` for text the reader reads but cannot place (an unknown MT
    tag, an ISO 20022 element no rule reads, a CSV column it does not know)."""

    role: str
    kind: FieldKind
    value: str
    path: str
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "kind": self.kind,
            "value": self.value,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to decide on.

    `refs` are the item's own references, in the order a user reads them (EndToEndId, UETR, TxId,
    MsgId; MT103 field 20 and 121; device id and package id; ISIN or row id): the first is its key.
    `details` are facts carried to the record and never screened (amount, currency, version, quantity,
    platform, owner). `as_of` is the item's own date (a payment's settlement or execution date), None
    when the file gives none (the command's --as-of applies). `group` gathers items decided together as
    well (a device's apps, a message's transactions); `source` is the file, `line` where the item
    starts in it (1-based) and `position` the reader's own words for it ("message 2, transaction 3")."""

    channel: Channel
    refs: tuple[tuple[str, str], ...]
    fields: tuple[Field, ...]
    source: str
    line: int | None = None
    position: str = ""
    as_of: date | None = None
    group: str | None = None
    details: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The item's first reference, else its position."""
        return self.refs[0][1] if self.refs else self.position

    def to_dict(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "key": self.key,
            "refs": dict(self.refs),
            "source": self.source,
            "line": self.line,
            "position": self.position,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "group": self.group,
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class Reject:
    """A part of a file that could not be read: the message, row or block, where it starts and why.
    `line` is 1-based when known; `position` the reader's own words ("message 3", "row 12")."""

    source: str
    reason: str
    line: int | None = None
    position: str = ""
    text: str = field(default="", repr=False)  # the rejected text, cut to a few hundred characters

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "line": self.line,
            "position": self.position,
            "reason": self.reason,
            "text": self.text,
        }
