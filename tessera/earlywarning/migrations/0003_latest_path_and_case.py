"""ADR 0035: the list is ordered by the latest path's time, and a path for a child with an open case goes
to the case (``case``), and one through a young person already being worked goes to theirs (``through``),
rather than the queue. Existing alerts get the time of their latest path."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def latest_paths(apps, schema_editor):
    NetworkAlert = apps.get_model("earlywarning", "NetworkAlert")
    for alert in NetworkAlert.objects.all().only("raised_at", "further_paths").iterator():
        times = [alert.raised_at.isoformat(), *(str(p["raised_at"]) for p in alert.further_paths)]
        latest = max(times)
        NetworkAlert.objects.filter(pk=alert.pk).update(latest_path_at=latest)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("earlywarning", "0002_one_open_alert_per_child"),
    ]

    operations = [
        migrations.AddField(
            model_name="networkalert", name="latest_path_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(latest_paths, migrations.RunPython.noop),
        migrations.AlterField(model_name="networkalert", name="latest_path_at", field=models.DateTimeField()),
        migrations.AddField(
            model_name="networkalert",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.case",
            ),
        ),
        migrations.AddField(
            model_name="networkalert",
            name="through",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.person",
            ),
        ),
        migrations.RemoveConstraint(model_name="networkalert", name="one_open_network_alert_per_child"),
        migrations.AddConstraint(
            model_name="networkalert",
            constraint=models.UniqueConstraint(
                condition=Q(closed_at__isnull=True, case__isnull=True, through__isnull=True),
                fields=("child",),
                name="one_open_network_alert_per_child",
            ),
        ),
        migrations.AddIndex(
            model_name="networkalert", index=models.Index(fields=["child"], name="network_alert_child_idx")
        ),
        migrations.AlterModelOptions(name="networkalert", options={"ordering": ["-latest_path_at", "-pk"]}),
    ]
