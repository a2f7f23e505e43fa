"""One open network alert per child (further suspects added to it as further paths), closed with a reason.

Alerts already open for the same child are folded into the oldest: their paths become its further paths
and they are closed saying so (nothing is deleted)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FOLDED = "Folded into network alert {pk}: one open alert per child"


def fold_open_alerts(apps, schema_editor):
    NetworkAlert = apps.get_model("earlywarning", "NetworkAlert")
    first: dict[int, object] = {}
    for alert in NetworkAlert.objects.filter(closed_at__isnull=True).order_by("raised_at", "pk"):
        kept = first.get(alert.child_id)
        if kept is None:
            first[alert.child_id] = alert
            continue
        kept.further_paths.append(
            {
                "key": alert.key,
                "target": alert.target_id,
                "community": alert.community,
                "link": alert.link_id,
                "path": alert.path,
                "raised_at": alert.raised_at.isoformat(),
            }
        )
        kept.save(update_fields=["further_paths"])
        alert.closed_at = timezone.now()
        alert.close_reason = FOLDED.format(pk=kept.pk)
        alert.save(update_fields=["closed_at", "close_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("earlywarning", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="networkalert",
            name="further_paths",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="networkalert",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="networkalert",
            name="close_reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.RemoveConstraint(model_name="networkalert", name="one_open_network_alert"),
        migrations.RunPython(fold_open_alerts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="networkalert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_at__isnull", True)),
                fields=("child",),
                name="one_open_network_alert_per_child",
            ),
        ),
    ]
