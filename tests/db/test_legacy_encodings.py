"""Old Vietnamese encodings, TCVN3 and VNI: bytes as the .Vn and VNI- fonts wrote them (typed
here byte for byte, not made by our own decoder), read back as NFC Unicode; a survey in them
is guessed, shown, and imported only once the user confirms the encoding."""

import pytest
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import Species, Tree
from tests.helpers.legacy_surveys import survey_file
from tests.helpers.surveys import run


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_legacy_survey_is_imported_only_once_its_encoding_is_confirmed(
    runner, tmp_path, encoding
):
    path = survey_file(tmp_path, encoding)
    code, summary, _ = run(runner, path)
    assert code == 0 and summary["ready"] == 3 and summary["errors"] == 0
    assert summary["encoding"] == encoding and summary["encoding_guessed"] is True
    code, summary, output = run(runner, path, "--commit")
    assert code == 1 and summary is None
    assert "old Vietnamese encoding" in output and "Keo tai tượng" in output  # the preview
    assert db.session.scalar(select(Tree.id).where(Tree.external_id == f"{encoding}-0")) is None
    code, summary, _ = run(runner, path, "--commit", "--encoding", encoding)
    assert code == 0 and summary["created"] == 3 and summary["encoding_guessed"] is False
    trees = db.session.execute(
        select(Species.vi_name, Tree.notes)
        .join(Species, Species.id == Tree.species_id)
        .where(Tree.external_id.like(f"{encoding}-%"))
        .order_by(Tree.external_id)
    ).all()
    assert [t.vi_name for t in trees] == ["Keo tai tượng", "Bằng lăng nước", "Xà cừ"]
    assert {t.notes for t in trees} == {"Đồi Hoàng, đất dốc"}
