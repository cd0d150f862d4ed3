"""A backup taken while the site runs brings back the same ledger."""

from decimal import Decimal

import pytest

from learnhub.extensions import db


@pytest.mark.own_database
def test_backup_and_restore_bring_back_the_same_ledger(committed_app, tmp_path):
    from learnhub.accounts.models import User
    from learnhub.credits import services as credits
    from learnhub.credits.models import LedgerEntry
    from learnhub.orgs.services import create_org

    app = committed_app
    runner = app.test_cli_runner()
    with app.app_context():
        root = create_org("全国", "national")
        enterprise = create_org("厂工会", "enterprise", create_org("省", "province", root))
        worker = User(username="keeper", name="存档", role="worker", org=enterprise, occupation="welder")
        db.session.add(worker)
        db.session.flush()
        for source_id in range(1, 4):
            credits.award(
                worker, kind="module", source_type="module", source_id=source_id, credits=Decimal("0.5"), minutes=20
            )
        db.session.commit()
        before = [
            (e.id, e.credits, e.minutes) for e in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.id))
        ]

    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "backups").iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 0
    # Everyone's personal data: readable by its owner only, whatever the umask.
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o077 == 0

    with app.app_context():  # something goes wrong after the backup (the ledger refuses deletes)
        worker = db.session.scalar(db.select(User).where(User.username == "keeper"))
        credits.award(worker, kind="module", source_type="module", source_id=99, credits=Decimal("9"), minutes=1)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 4

    result = runner.invoke(args=["restore", str(files[0]), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = [
            (e.id, e.credits, e.minutes) for e in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.id))
        ]
        db.session.remove()
    assert after == before and len(after) == 3


@pytest.mark.own_database
def test_restore_refuses_what_is_not_a_backup(committed_app, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database")
    result = committed_app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "Traceback" not in result.output
