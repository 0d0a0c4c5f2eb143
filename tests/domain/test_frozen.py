from __future__ import annotations

import pickle

from clearance.domain.enums import Kind, NameType
from clearance.domain.model import Entity, Identifier, Name
from clearance.matching.normalise import name_form


def test_frozen_dataclasses_survive_pickling_whole() -> None:
    entity = Entity(
        id="e1",
        kind=Kind.ORGANIZATION,
        name="Tencent Holdings Ltd",
        names=(Name("騰訊控股", lang="zh"), Name("QQ", NameType.WEAK)),
        identifiers=(Identifier("isin", "KYG875721634"),),
    )
    form = name_form("SMITH, John Michael")
    again, form_again = pickle.loads(pickle.dumps((entity, form)))
    assert again == entity and form_again == form
    assert again.names[1].type is NameType.WEAK and form_again.family == form.family
