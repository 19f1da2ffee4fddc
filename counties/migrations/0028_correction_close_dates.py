"""A close date for each report as its history tells it, now that the date decides when a reader's contact
is deleted (30 days after the close: CorrectionQuerySet.forget_contacts).

Before this, a revert in the history page never counted as a change of status (counties/admin/editorial.py
compared the form's first values, which a revert takes from the old version): reverting a closed report to
an open version left its close date behind, and reverting it back to a closed one kept the first close
date. A closed report takes the date of the last save in its history that closed it (an open row, then a
closed one) when that is later than the date it holds, and who saved it; an open report holds none.
"""

from datetime import timedelta

from django.db import migrations

# The admin dates a close just before it saves: a history row a little later is the same close.
SAME_CLOSE = timedelta(minutes=1)


def date_closes(apps, schema_editor):
    Correction = apps.get_model("counties", "Correction")
    History = apps.get_model("counties", "HistoricalCorrection")
    Correction.objects.filter(status="open").exclude(closed_at=None).update(closed_at=None, closed_by=None)
    for pk, closed_at in Correction.objects.filter(status="closed").values_list("pk", "closed_at"):
        rows = History.objects.filter(id=pk).order_by("history_date", "history_id")
        last_close, before = None, None
        for status, when, user in rows.values_list("status", "history_date", "history_user_id"):
            if status == "closed" and before != "closed":
                last_close = (when, user)
            before = status
        if last_close and (closed_at is None or last_close[0] > closed_at + SAME_CLOSE):
            Correction.objects.filter(pk=pk).update(closed_at=last_close[0], closed_by_id=last_close[1])


class Migration(migrations.Migration):
    dependencies = [("counties", "0027_correction_contact_kept")]

    operations = [migrations.RunPython(date_closes, migrations.RunPython.noop)]
